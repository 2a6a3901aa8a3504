/**
 * The real path in a second engine: `dwpush serve` (a child process) encrypts and POSTs to a
 * loopback mock of Mozilla's push server, which hands the encrypted body to a real headless
 * Firefox over its push WebSocket; Firefox decrypts it and fires `push` in a site's service
 * worker running the built polyfill. Subscriptions are Firefox's own (the page helper, a real
 * `pushManager.subscribe`), clicks are real clicks on Firefox's own alert window.
 *
 * Native mode (`DWP_FIREFOX_NATIVE=1`, with `FIREFOX_PATH` for a build that has declarative push):
 * the same cases with the polyfill left out and `dom.push.declarative.enabled` on; without native
 * support they are skipped with that reason, and a table says which cases the browser showed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import webpush, { type PushSubscription } from 'web-push';
import { afterAll, beforeAll, beforeEach, expect, it, type TestContext } from 'vitest';
import { describeInFirefox, launchFirefox, type Firefox } from '../support/firefox.js';
import { startMozillaPushServer, type MozillaPushServer } from '../support/mock-mozilla-push-server.js';
import { ADMIN_TOKEN } from '../support/push-server-harness.js';
import { spawnServer, waitFor, type ServerProcess } from '../support/spawn-server.js';

const NATIVE = process.env.DWP_FIREFOX_NATIVE === '1';
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const POLYFILL_DIR = fileURLToPath(new URL('../../dist/polyfill', import.meta.url));
// The polyfill's one line, with the explainer shape opted in (the classic script that has its parser) and a short mutable budget for the hang case.
const POLYFILL = "self.declarativePushOptions = { explainer: true, mutableBudgetMs: 1000 };\nimportScripts('/declarative-push-sw-explainer.js');\n";

type Shown = { title: string; body: string; tag: string; data: unknown; actions: Array<{ action: string; title: string }> };
type Probe = { maxActions: number | null; nativeDeclarative: boolean; badging: boolean };
type Status = { status: string; total: number; sent: number; failed: number; gone: number; problems: Array<{ code: string; origin: string; count: number }> };

describeInFirefox(`end to end in Firefox: dwpush serve, a mock of Mozilla's push server, ${NATIVE ? 'native declarative push' : 'the polyfill'}`, () => {
  let dir: string;
  let mock: MozillaPushServer;
  let server: ServerProcess;
  let firefox: Firefox;
  let page: Page;
  let site: PushSubscription;
  let probe: Probe;
  let finishedCount = 0;
  /** Native mode: which cases this browser showed as declared. */
  const nativeResults: Array<[string, string]> = [];

  const url = (path: string) => `${server.url}${path}`;
  const api = (method: string, path: string, body?: unknown) => fetch(url(path), {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

  /** Asks the test worker at `scope` (see fixtures/firefox-scaffold-sw.js) from the control page. */
  async function ask<T>(scope: string, name: string, params: Record<string, unknown> = {}): Promise<T> {
    const reply = await page.evaluate(async (scope, message) => {
      const registration = await navigator.serviceWorker.getRegistration(scope);
      if (!registration?.active) return { error: `no active worker at ${scope}` };
      const channel = new MessageChannel();
      const answer = new Promise<unknown>((resolve) => (channel.port1.onmessage = (event) => resolve(event.data)));
      registration.active.postMessage(message, [channel.port2]);
      return answer;
    }, scope, { name, ...params }) as { answer?: T; error?: string };
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.answer as T;
  }

  const shown = () => ask<Shown[]>('/app/', 'notifications');
  const siteLog = () => ask<unknown[][]>('/app/', 'siteLog');

  /**
   * Waits until a message sent to the site is handled; returns the payload text of its push event.
   * With the polyfill every message fires one, and it is awaited to its end. A browser with native
   * support fires none for a declarative message that is not mutable: there, what counts is that
   * something was shown (null then).
   */
  async function handled(): Promise<string | null> {
    type Finished = { finished: Array<string | null>; timedOut?: true };
    if (NATIVE) {
      await waitFor(async () => ((await shown()).length > 0 ? true : undefined), 10_000);
      const { finished } = await ask<Finished>('/app/', 'finished', { count: 0, timeoutMs: 0 });
      const text = finished.length > finishedCount ? finished.at(-1)! : null;
      finishedCount = finished.length;
      return text;
    }
    const reply = await ask<Finished>('/app/', 'finished', { count: finishedCount + 1, timeoutMs: 10_000 });
    if (reply.timedOut) throw new Error(`no push event finished in the site worker (${reply.finished.length} so far)`);
    return reply.finished[finishedCount++]!;
  }

  /** An admin's broadcast to `channel`, through the server's API, until it is done; its final status. */
  async function broadcast(message: unknown, channel = 'site', legacy?: Record<string, unknown>): Promise<Status> {
    const accepted = await api('POST', '/api/notifications', { message, channel, ...(legacy ? { legacy } : {}) });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    return waitFor(async () => {
      const status = (await (await api('GET', `/api/notifications/${id}`)).json()) as Status;
      return status.status === 'done' || status.status === 'failed' ? status : undefined;
    }, 10_000);
  }

  /** A broadcast to the site, decrypted by Firefox and handled; the plaintext its push event got (see `handled`). */
  async function deliver(message: unknown): Promise<string | null> {
    const before = mock.requests().length;
    expect(await broadcast(message)).toMatchObject({ status: 'done', total: 1, sent: 1 });
    const [request] = mock.requests().slice(before);
    expect(request).toMatchObject({ status: 201, refusal: null, endpoint: site.endpoint });
    expect(request!.headers['content-encoding']).toBe('aes128gcm');
    expect(await mock.ackOf(request!.version!)).toMatchObject({ code: 100 }); // Firefox decrypted it
    return handled();
  }

  /**
   * Another sender with the site's keys (web-push, as an ordinary application server does), for
   * payloads our server refuses to send: legacy ones, relative URLs, the raw 2023 shape.
   */
  async function sendDirect(payload: string): Promise<string | null> {
    const keys = JSON.parse(readFileSync(join(dir, 'data', 'vapid-keys.json'), 'utf8')) as { publicKey: string; privateKey: string };
    const request = webpush.generateRequestDetails(site, payload, { vapidDetails: { subject: 'mailto:ops@example.com', ...keys }, TTL: 60 });
    const status = await new Promise<number>((resolve, reject) => {
      const post = https.request(request.endpoint, { method: 'POST', headers: request.headers, ca: mock.certificate }, (answer) => {
        answer.resume();
        resolve(answer.statusCode!);
      });
      post.on('error', reject);
      post.end(request.body);
    });
    expect(status).toBe(201);
    return handled();
  }

  /** A real click on the body of Firefox's alert window titled `title` opens `expected` in a new tab. */
  async function clickOpens(title: string, expected: string): Promise<void> {
    const opened = firefox.browser.waitForTarget((target) => target.url() === expected, { timeout: 5000 });
    await firefox.clickAlert(title);
    const tab = await (await opened).page();
    await tab?.close();
    expect(page.url()).toBe(url('/')); // the control page, outside the scope, was left alone
  }

  /** Subscribes the worker `${scope}sw.js` to `channel` with the page helper, as a site's page does. */
  function subscribeWithPageHelper(scope: string, channel: string): Promise<{ mode: string; subscription: PushSubscription }> {
    const options = { serverUrl: '', swUrl: `${scope}sw.js`, scope, channels: [channel], useServiceWorker: true };
    // A string: the test runner would rewrite a dynamic import() inside a function.
    return page.evaluate(`import('/dwp-page.js').then((helper) => helper.subscribe(${JSON.stringify(options)}))`) as Promise<{ mode: string; subscription: PushSubscription }>;
  }

  /** A case; in native mode skipped without native support (or when it is about the polyfill), and its outcome recorded. */
  function testCase(name: string, run: () => Promise<void>, options: { polyfillOnly?: string } = {}): void {
    it(name, async (context: TestContext) => {
      if (NATIVE && options.polyfillOnly) return context.skip(options.polyfillOnly);
      if (NATIVE && !probe.nativeDeclarative) return context.skip(`no native declarative push in ${firefox.version}`);
      try {
        await run();
        if (NATIVE) nativeResults.push([name, 'shown natively as declared']);
      } catch (error) {
        if (NATIVE) nativeResults.push([name, `differs: ${(error as Error).message.split('\n')[0]}`]);
        throw error;
      }
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dwp-firefox-e2e-'));
    const publicDir = join(dir, 'public');
    for (const folder of ['app', 'bare', 'old', 'wrong']) mkdirSync(join(publicDir, folder), { recursive: true });
    const scaffold = fixture('firefox-scaffold-sw.js');
    writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>control</title>');
    writeFileSync(join(publicDir, 'app', 'sw.js'), scaffold + (NATIVE ? '' : POLYFILL) + fixture('firefox-site-sw.js'));
    writeFileSync(join(publicDir, 'bare', 'sw.js'), scaffold + fixture('firefox-site-sw.js'));
    writeFileSync(join(publicDir, 'old', 'sw.js'), scaffold + fixture('firefox-old-site-sw.js'));
    writeFileSync(join(publicDir, 'wrong', 'sw.js'), scaffold);

    mock = await startMozillaPushServer(dir);
    server = await spawnServer(
      // Each worker joins a public channel of its own, so a broadcast reaches one of them.
      ['--data-dir', join(dir, 'data'), '--allow-push-origin', mock.origin, '--public-dir', publicDir, '--polyfill-dir', POLYFILL_DIR,
        '--public-channel', 'site', '--public-channel', 'bare', '--public-channel', 'hybrid', '--public-channel', 'wrong-key'],
      { DWP_ADMIN_TOKEN: ADMIN_TOKEN, NODE_EXTRA_CA_CERTS: mock.certificateFile },
    );
    firefox = await launchFirefox({ pushServerURL: mock.serverURL, prefs: NATIVE ? { 'dom.push.declarative.enabled': true } : {} });
    page = await firefox.browser.newPage();
    await page.goto(url('/'));
    // The page helper subscribes as on a real site: Firefox registers with the mock, the server stores it.
    const subscribed = await subscribeWithPageHelper('/app/', 'site');
    expect(subscribed.mode).toBe('polyfill');
    site = subscribed.subscription;
    expect(site.endpoint.startsWith(`${mock.origin}/wpush/v2/`)).toBe(true);
    probe = await ask<Probe>('/app/', 'probe');
  }, 60_000);

  afterAll(async () => {
    if (NATIVE && probe) {
      console.log(probe.nativeDeclarative
        ? `native declarative push in ${firefox.version}, case by case:\n${nativeResults.map(([name, result]) => `  ${result.padEnd(28)} ${name}`).join('\n')}`
        : `no native declarative push in ${firefox.version}: its cases were skipped`);
    }
    await firefox?.close();
    server?.child.kill('SIGKILL');
    await mock?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await ask('/app/', 'reset');
  });

  it('reports whether this Firefox shows declarative messages natively; without it, a message reaches a worker without the polyfill as data', async () => {
    const bare = (await subscribeWithPageHelper('/bare/', 'bare')).subscription;
    const windowPush = await page.evaluate(() => 'pushManager' in navigator);
    expect(await ask<Probe>('/bare/', 'probe')).toEqual(probe);
    const message = { web_push: 8030, notification: { title: 'Native?', navigate: url('/app/native') } };
    expect(await broadcast(message, 'bare')).toMatchObject({ status: 'done', sent: 1 });
    const { finished } = await ask<{ finished: string[] }>('/bare/', 'finished', { count: 1, timeoutMs: 10_000 });
    const bareShown = await ask<Shown[]>('/bare/', 'notifications');
    if (probe.nativeDeclarative) {
      expect(bareShown.map((n) => n.title)).toEqual(['Native?']);
    } else {
      // No native support: the site's own handler got the message as data and showed it as a legacy push.
      expect(JSON.parse(finished[0]!)).toMatchObject({ web_push: 8030, notification: { title: 'Native?' } });
      expect(bareShown.map((n) => n.title)).toEqual([`Legacy: ${finished[0]}`]);
      expect(windowPush).toBe(false);
      console.log(`${firefox.version}: no native declarative push (PushEvent.notification and window.pushManager absent); the polyfill shows every message`);
    }
    expect(bare.endpoint).not.toBe(site.endpoint);
    await ask('/bare/', 'reset');
  });

  testCase('a standard message: shown with its title, body, tag, data and as many actions as Firefox shows; a click on the alert opens navigate', async () => {
    const actions = ['track', 'receipt', 'help'].map((action) => ({ action, title: action.toUpperCase(), navigate: url(`/app/orders/17/${action}`) }));
    const plaintext = await deliver({
      web_push: 8030,
      notification: { title: 'Café order ☕', body: 'Your flat white is ready', tag: 'order-17', navigate: url('/app/orders/17'), data: { order: 17 }, actions },
    });
    // The portable form our server sends, as Firefox decrypted it (natively no push event sees it).
    if (!NATIVE) expect(JSON.parse(plaintext!)).toMatchObject({ web_push: 8030, notification: { title: 'Café order ☕', navigate: url('/app/orders/17') } });
    expect(probe.maxActions).toBe(2);
    expect(await shown()).toEqual<Shown[]>([{
      title: 'Café order ☕', body: 'Your flat white is ready', tag: 'order-17', data: { order: 17 },
      actions: actions.slice(0, probe.maxActions!).map(({ action, title }) => ({ action, title })),
    }]);
    expect(await siteLog()).toEqual([]); // the site's push handler never saw it
    await clickOpens('Café order ☕', url('/app/orders/17'));
    expect(await shown()).toEqual([]); // the click closed it
  });

  testCase('a relative navigate (from a sender that does not resolve it) is resolved against the scope; a click opens it', async () => {
    const message = { web_push: 8030, notification: { title: 'Relative', body: 'navigate is "inbox"', navigate: 'inbox' } };
    const refused = await api('POST', '/api/notifications', { message, channel: 'site' });
    expect(refused.status).toBe(400); // our server sends only the portable form, which needs absolute URLs
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid-message' } });
    await sendDirect(JSON.stringify(message));
    expect((await shown()).map((n) => n.title)).toEqual(['Relative']);
    await clickOpens('Relative', url('/app/inbox'));
  });

  testCase('app_badge: ignored gracefully where there is no Badging API; the notification is shown', async () => {
    await deliver({ web_push: 8030, notification: { title: 'Badge 7', navigate: url('/app/badge') }, app_badge: 7 });
    expect(probe.badging).toBe(false);
    expect((await shown()).map((n) => n.title)).toEqual(['Badge 7']);
  });

  testCase('a mutable message: the site\'s handler replaces it, and the replacement keeps its navigate', async () => {
    await deliver({ web_push: 8030, mutable: true, notification: { title: 'Inbox', body: 'New mail', tag: 'inbox', navigate: url('/app/inbox'), data: { folder: 'inbox' } } });
    expect(await shown()).toEqual<Shown[]>([{ title: 'Inbox (3 unread)', body: 'New mail (updated by the site)', tag: 'inbox', data: { folder: 'inbox' }, actions: [] }]);
    expect(await siteLog()).toEqual([['mutable', 'replace']]);
    await clickOpens('Inbox (3 unread)', url('/app/inbox'));
  });

  for (const scenario of ['throw', 'hang']) {
    testCase(`a mutable message whose handler does "${scenario}": the original is shown, once`, async () => {
      await deliver({ web_push: 8030, mutable: true, notification: { title: `Original (${scenario})`, body: 'b', navigate: url('/app/'), data: { scenario } } });
      expect((await shown()).map((n) => [n.title, n.body])).toEqual([[`Original (${scenario})`, 'b']]);
      expect(await siteLog()).toEqual([['mutable', scenario]]);
    });
  }

  testCase('a legacy payload from an ordinary web-push sender reaches the site\'s own handler untouched', async () => {
    const legacy = JSON.stringify({ subject: 'Hello', text: 'from a legacy sender' });
    expect(await sendDirect(legacy)).toBe(legacy);
    expect(await siteLog()).toEqual([['legacy', legacy]]);
    expect(await shown()).toEqual<Shown[]>([{ title: 'Legacy: Hello', body: 'from a legacy sender', tag: 'legacy', data: null, actions: [] }]);
  });

  testCase('the 2023 explainer shape, sent as it is, with the opt-in: shown, app_badge ignored, a click opens default_action_url', async () => {
    const explainer = { title: 'Explainer news', options: { body: 'Sent in the 2023 shape', tag: 'explainer' }, default_action_url: url('/app/news'), app_badge: '3' };
    await sendDirect(JSON.stringify(explainer));
    expect(await shown()).toEqual<Shown[]>([{ title: 'Explainer news', body: 'Sent in the 2023 shape', tag: 'explainer', data: null, actions: [] }]);
    expect(await siteLog()).toEqual([]);
    await clickOpens('Explainer news', url('/app/news'));
  }, { polyfillOnly: 'only the polyfill reads the 2023 shape' });

  testCase('a hybrid payload: a worker not yet updated shows its legacy fields and its click goes to its url; the updated worker shows the declarative message', async () => {
    const joined = await api('POST', '/api/subscriptions', { subscription: site, channels: ['site', 'hybrid'] });
    expect(joined.status).toBe(201);
    const old = (await subscribeWithPageHelper('/old/', 'hybrid')).subscription;
    const message = { web_push: 8030, notification: { title: 'Order 17 shipped', body: 'Declarative', navigate: url('/app/orders/17') } };
    const legacy = { title: 'Order 17 shipped (old worker)', body: 'Legacy fields', url: url('/old/orders/17') };
    const before = mock.requests().length;
    expect(await broadcast(message, 'hybrid', legacy)).toMatchObject({ status: 'done', total: 2, sent: 2 });
    expect(mock.requests().slice(before).map((r) => r.endpoint).sort()).toEqual([site.endpoint, old.endpoint].sort());

    await handled();
    expect(await shown()).toEqual<Shown[]>([{ title: 'Order 17 shipped', body: 'Declarative', tag: '', data: null, actions: [] }]);
    expect(await siteLog()).toEqual([]);
    const { finished } = await ask<{ finished: string[] }>('/old/', 'finished', { count: 1, timeoutMs: 10_000 });
    expect(JSON.parse(finished[0]!)).toMatchObject({ web_push: 8030, notification: { title: 'Order 17 shipped' }, ...legacy });
    expect((await ask<Shown[]>('/old/', 'notifications')).map((n) => [n.title, n.body])).toEqual([[legacy.title, legacy.body]]);
    await clickOpens(legacy.title, legacy.url);
    await clickOpens('Order 17 shipped', url('/app/orders/17'));
  }, { polyfillOnly: 'a browser with declarative push shows the message itself in the old worker\'s place too' });

  it('subscriptions made with other VAPID keys: the mock refuses with 403 and the server reports a VAPID problem', async () => {
    const scopes = ['/wrong/1/', '/wrong/2/', '/wrong/3/', '/wrong/4/', '/wrong/5/'];
    const endpoints = await page.evaluate(async (scopes, keys) => {
      const made: string[] = [];
      for (const [i, scope] of scopes.entries()) {
        const registration = await navigator.serviceWorker.register('/wrong/sw.js', { scope });
        const worker = registration.installing ?? registration.waiting ?? registration.active!;
        if (worker.state !== 'activated') await new Promise((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve(null)));
        const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keys[i] });
        const saved = await fetch('/api/subscriptions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ subscription, channels: ['wrong-key'] }) });
        if (saved.status !== 201) throw new Error(`subscribing answered ${saved.status}`);
        made.push(subscription.endpoint);
      }
      return made;
    }, scopes, scopes.map(() => webpush.generateVAPIDKeys().publicKey));
    const before = mock.requests().length;
    const status = await broadcast({ web_push: 8030, notification: { title: 'Never shown', navigate: url('/') } }, 'wrong-key');
    expect(status).toMatchObject({ status: 'done', total: 5, sent: 0, failed: 5, gone: 0 });
    expect(status.problems).toEqual([{ code: 'vapid-rejected', origin: mock.origin, count: 5 }]);
    expect(mock.requests().slice(before).map((r) => [r.endpoint, r.status, r.refusal]).sort()).toEqual(endpoints.map((e) => [e, 403, 'key']).sort());
    expect(server.output()).toMatch(/refused 5 requests with 403: the VAPID keys/);
  });
});
