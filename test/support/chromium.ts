import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import { describeWithBrowser } from './describe-with-browser.js';

/**
 * Harness for tests in a real Chromium (Debian's package; playwright-core never downloads one).
 * In CI (env CI set) a missing Chromium fails the tests; elsewhere they skip with a message.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MISSING = `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`;

/** `describe` for tests that need Chromium (see describeWithBrowser). */
export function describeInChromium(name: string, body: () => void): void {
  describeWithBrowser(MISSING, CHROMIUM_PATH, name, body);
}

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  // Loopback only: every other host name fails to resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** One headless browser for many incognito contexts (one per test), when no test needs trusted notification clicks. */
export function launchBrowser(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

/**
 * A persistent context in a fresh profile (trusted notification clicks need one), with
 * notification permission for `origin`. `dbusAddress` points Chromium at a fake notification
 * server (fake-notification-server.ts).
 */
export async function launchChromium(options: { origin: string; dbusAddress?: string }): Promise<Chromium> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'dwp-chromium-'));
  const env = { ...process.env } as Record<string, string>;
  if (options.dbusAddress) env.DBUS_SESSION_BUS_ADDRESS = options.dbusAddress;
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, env });
  await context.grantPermissions(['notifications'], { origin: options.origin });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(MISSING);
}

/**
 * An init script standing in for the browser's push service, which headless Chromium cannot reach
 * (`subscribe` rejects or never settles): `subscribe` resolves to `subscription` (an endpoint and
 * keys of a test push service, which can decrypt what is sent to it), `getSubscription` returns it
 * until `unsubscribe`. The state lives in the document: a reload forgets it.
 */
export function stubPushManager(subscription: { endpoint: string; keys: { p256dh: string; auth: string } }): string {
  return `(() => {
  const { endpoint, keys } = ${JSON.stringify(subscription)};
  let current = null;
  PushManager.prototype.subscribe = async function (options) {
    current = {
      endpoint, expirationTime: null, options,
      toJSON: () => ({ endpoint, expirationTime: null, keys }),
      unsubscribe: async () => { current = null; return true; },
    };
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
})();`;
}

/** Opens `url`, registers `script` with scope `/`, and waits until the page is controlled. */
export async function registerServiceWorker(context: BrowserContext, url: string, script: string): Promise<{ page: Page; worker: Worker }> {
  const page = await context.newPage();
  await page.goto(url);
  const workerSeen = context.waitForEvent('serviceworker');
  await page.evaluate(async (script) => {
    const controlled = navigator.serviceWorker.controller
      ? Promise.resolve()
      : new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    await navigator.serviceWorker.register(script, { scope: '/' });
    await controlled;
  }, script);
  const worker = context.serviceWorkers().find((w) => w.url().endsWith(script)) ?? (await workerSeen);
  return { page, worker };
}

/** Delivers pushes through the DevTools protocol, as a push service would, and knows when each event is done. */
export class PushDelivery {
  private completions = 0;
  private waiters: Array<() => void> = [];

  private constructor(private readonly session: CDPSession, private readonly origin: string, private readonly registrationId: string) {
    session.on('BackgroundService.backgroundServiceEventReceived', ({ backgroundServiceEvent }) => {
      if (backgroundServiceEvent.eventName !== 'Push event completed') return;
      this.completions++;
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  static async open(context: BrowserContext, page: Page, origin: string): Promise<PushDelivery> {
    const session = await context.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) => {
      session.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const live = registrations.find((r) => !r.isDeleted && r.scopeURL.startsWith(origin));
        if (live) resolve(live.registrationId);
      });
    });
    await session.send('ServiceWorker.enable');
    // Events are only recorded while recording is on; startObserving replays stored ones, so clear first.
    const service = 'pushMessaging';
    await session.send('BackgroundService.clearEvents', { service });
    await session.send('BackgroundService.startObserving', { service });
    await session.send('BackgroundService.setRecording', { shouldRecord: true, service });
    return new PushDelivery(session, origin, await withTimeout(registrationId, 5000, 'no service-worker registration'));
  }

  /** Delivers `data` (event.data.text() is exactly it) and resolves once "Push event completed". */
  async push(data: string | object, timeoutMs = 10_000): Promise<void> {
    const target = this.completions + 1;
    const done = new Promise<void>((resolve) => {
      const check = () => (this.completions >= target ? resolve() : this.waiters.push(check));
      check();
    });
    await this.session.send('ServiceWorker.deliverPushMessage', {
      origin: this.origin,
      registrationId: this.registrationId,
      data: typeof data === 'string' ? data : JSON.stringify(data),
    });
    await withTimeout(done, timeoutMs, 'the push event did not complete (wrong origin or registration id?)');
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
