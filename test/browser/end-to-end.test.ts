/**
 * The whole path with real parts: `dwpush serve` (a child process, temp data dir, real SQLite) sends
 * an admin's broadcast to a subscription on a loopback push service, which decrypts the body as a
 * browser's push service client would; those exact bytes are delivered into a real Chromium
 * service worker running the built polyfill under a site's own push handler, and the test reads
 * the notification Chromium shows and clicks it through the desktop notification server.
 */
import { readFileSync } from 'node:fs';
import type { Worker } from 'playwright-core';
import webpush from 'web-push';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeInChromium, launchChromium, PushDelivery, registerServiceWorker, type Chromium } from '../support/chromium.js';
import { FakeNotificationServer } from '../support/fake-notification-server.js';
import type { MockSubscription, Received } from '../support/mock-push-service.js';
import { ADMIN_TOKEN, readVapidHeader } from '../support/push-server-harness.js';
import { spawnServer, useServerFixtures, waitFor, type ServerProcess } from '../support/spawn-server.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

const BUILT = new URL('../../dist/polyfill/declarative-push-sw.js', import.meta.url);
const SITE_SW = new URL('./fixtures/end-to-end-site-sw.js', import.meta.url);

// The test's scaffolding, prepended to the site's worker: it takes control at once (the harness
// waits for that), and, before the polyfill binds the Badging API, records badge calls, which have
// no visible effect in headless Chromium.
const SCAFFOLD = `self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.badgeCalls = [];
const setAppBadge = self.navigator.setAppBadge.bind(self.navigator);
self.navigator.setAppBadge = (...args) => (self.badgeCalls.push(args), setAppBadge(...args));
`;

type Shown = { title: string; body: string; tag: string; data: unknown; actions: Array<{ action: string; title: string }> };
/** The site's service-worker scope, as far as the test reads it (with the scaffold's badge record). */
type SiteScope = {
  registration: { getNotifications(): Promise<Array<Omit<Shown, 'actions'> & { actions: Shown['actions']; close(): void }>> };
  badgeCalls: unknown[][];
};

describeInChromium('end to end: dwpush serve, a push service, the polyfill in Chromium', () => {
  const fixtures = useServerFixtures('dwp-e2e-', { beforeAll, afterAll });
  let server: ServerProcess;
  let subscriber: MockSubscription;
  let site: TestSite;
  let dbus: FakeNotificationServer;
  let chromium: Chromium;
  let worker: Worker;
  let pushes: PushDelivery;

  const url = (path: string) => `${site.origin}${path}`;
  const api = (method: string, path: string, body?: unknown, admin = true) => fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(admin ? { Authorization: `Bearer ${ADMIN_TOKEN}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

  /** Read once, after the push event completed: polling while a `showNotification()` is in flight makes Chromium drop it. */
  const shown = () => worker.evaluate(async () => (await (globalThis as unknown as SiteScope).registration.getNotifications()).map((n) => ({
    title: n.title, body: n.body, tag: n.tag, data: n.data,
    actions: n.actions.map(({ action, title }) => ({ action, title })),
  })));
  const badgeCalls = () => worker.evaluate(() => (globalThis as unknown as SiteScope).badgeCalls);

  beforeAll(async () => {
    server = await spawnServer(['--data-dir', fixtures.dir, '--allow-push-origin', fixtures.mock.origin], { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
    fixtures.servers.push(server);
    subscriber = fixtures.mock.subscribe();
    const subscribed = await api('POST', '/api/subscriptions', { subscription: subscriber.subscription }, false);
    expect(subscribed.status).toBe(201);

    dbus = await FakeNotificationServer.start();
    site = await startTestSite({
      '/': { type: 'text/html', body: '<!doctype html><title>site</title>' },
      '/sw.js': { type: 'text/javascript', body: () => SCAFFOLD + readFileSync(SITE_SW, 'utf8') },
      '/declarative-push-sw.js': { type: 'text/javascript', body: () => readFileSync(BUILT, 'utf8') },
    });
    chromium = await launchChromium({ origin: site.origin, dbusAddress: dbus.address });
    ({ worker } = await registerServiceWorker(chromium.context, url('/'), '/sw.js'));
    // The DevTools session lives on a page outside the site, so a test can close every site window.
    pushes = await PushDelivery.open(chromium.context, await chromium.context.newPage(), site.origin);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await dbus?.stop();
    await site?.close();
  });

  beforeEach(() => worker.evaluate(async () => {
    const scope = globalThis as unknown as SiteScope;
    for (const n of await scope.registration.getNotifications()) n.close();
    scope.badgeCalls.length = 0;
  }));

  /** An admin's broadcast through the server's API; returns what the push service received for the subscriber. */
  async function broadcast(message: unknown): Promise<Received> {
    const before = fixtures.mock.received(subscriber.id).length;
    const accepted = await api('POST', '/api/notifications', { message });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const finished = await waitFor(async () => {
      const status = (await (await api('GET', `/api/notifications/${id}`)).json()) as { status: string };
      return status.status === 'done' || status.status === 'failed' ? status : undefined;
    }, 10_000);
    expect(finished).toMatchObject({ status: 'done', total: 1, sent: 1 });
    const arrived = fixtures.mock.received(subscriber.id).slice(before);
    expect(arrived).toHaveLength(1);
    const [received] = arrived as [Received];
    expect(received.headers['content-encoding']).toBe('aes128gcm');
    expect(received.payload).not.toBeNull(); // it decrypted with the subscription's keys
    const { publicKey } = (await (await api('GET', '/api/vapid-public-key')).json()) as { publicKey: string };
    expect(readVapidHeader(received.headers.authorization)).toMatchObject({ key: publicKey, claims: { aud: fixtures.mock.origin } });
    return received;
  }

  /** What a declarative broadcast put on the wire, checked, as plaintext and parsed. */
  async function broadcastDeclarative(message: unknown): Promise<{ plaintext: string; sent: { notification: { navigate: string } } & Record<string, unknown> }> {
    const received = await broadcast(message);
    expect(received.headers['content-type']).toBe('application/notification+json');
    return { plaintext: received.payload!, sent: JSON.parse(received.payload!) };
  }

  /**
   * A user's trusted click, with no site window open, must open `expected`. `key` is "default" for
   * the body, "0", "1" for the action buttons.
   */
  async function clickOpens(title: string, expected: string, key = 'default'): Promise<void> {
    for (const page of chromium.context.pages()) if (page.url().startsWith(site.origin)) await page.close();
    const notification = await dbus.waitFor((n) => n.summary === title);
    const opened = chromium.context.waitForEvent('page', { timeout: 5000 });
    dbus.click(notification.id, key);
    const page = await opened;
    await page.waitForURL(expected, { timeout: 5000 });
    expect(await shown()).toEqual([]); // a click closes it
  }

  it('a standard message with actions and an app badge: shown by the polyfill, a body click opens its navigate URL', async () => {
    const { plaintext, sent } = await broadcastDeclarative({
      web_push: 8030,
      notification: {
        title: 'Café order ☕', body: 'Your flat white is ready', tag: 'order-17', navigate: url('/orders/17'),
        data: { order: 17 },
        actions: [
          { action: 'track', title: 'Track', navigate: url('/orders/17/track') },
          { action: 'receipt', title: 'Receipt', navigate: url('/orders/17/receipt') },
        ],
      },
      app_badge: 7,
    });
    expect(sent).toMatchObject({ web_push: 8030, app_badge: 7, notification: { navigate: url('/orders/17'), app_badge: 7 } });

    await pushes.push(plaintext);
    expect(await shown()).toEqual<Shown[]>([{
      title: 'Café order ☕', body: 'Your flat white is ready', tag: 'order-17', data: { order: 17 },
      actions: [{ action: 'track', title: 'Track' }, { action: 'receipt', title: 'Receipt' }],
    }]);
    expect(await badgeCalls()).toEqual([[7]]);
    await clickOpens('Café order ☕', sent.notification.navigate);
  });

  const explainer = (title: string, tag: string) => ({
    title,
    options: { body: 'Sent in the 2023 shape', tag, actions: [{ action: 'read', title: 'Read', url: url('/news/read') }] },
    default_action_url: url('/news'),
    app_badge: '3',
  });

  it('a 2023 explainer message: the server sends it in the standard shape, which the polyfill shows', async () => {
    const { plaintext, sent } = await broadcastDeclarative(explainer('Explainer news', 'explainer'));
    expect(sent).toEqual({
      web_push: 8030,
      notification: {
        title: 'Explainer news', body: 'Sent in the 2023 shape', tag: 'explainer', navigate: url('/news'),
        actions: [{ action: 'read', title: 'Read', navigate: url('/news/read') }], app_badge: 3,
      },
      app_badge: 3,
    });

    await pushes.push(plaintext);
    expect(await shown()).toEqual<Shown[]>([{
      title: 'Explainer news', body: 'Sent in the 2023 shape', tag: 'explainer', data: null,
      actions: [{ action: 'read', title: 'Read' }],
    }]);
    expect(await badgeCalls()).toEqual([[3]]);
    await clickOpens('Explainer news', url('/news'));
  });

  it('a 2023 explainer message: its action button opens the action\'s url', async () => {
    const { plaintext } = await broadcastDeclarative(explainer('Explainer action', 'explainer-action'));
    await pushes.push(plaintext);
    await clickOpens('Explainer action', url('/news/read'), '0');
  });

  it.each([
    // Built when the test runs: the site's origin is known only then. Titles differ per case, since
    // the notification server keeps every notification it was shown.
    ['standard', (title: string) => ({ web_push: 8030, mutable: true, notification: { title, body: 'New mail', tag: 'inbox', navigate: url('/inbox'), data: { folder: 'inbox' } } })],
    ['2023 explainer', (title: string) => ({ title, options: { body: 'New mail', tag: 'inbox', data: { folder: 'inbox' } }, default_action_url: url('/inbox'), mutable: true })],
  ])('a mutable %s message: the site\'s handler replaces the proposed notification, which keeps its navigate URL', async (kind, message) => {
    const { plaintext, sent } = await broadcastDeclarative(message(`Inbox (${kind})`));
    expect(sent).toMatchObject({ web_push: 8030, mutable: true, notification: { mutable: true, navigate: url('/inbox') } });

    await pushes.push(plaintext);
    const replaced = `Inbox (${kind}) (3 unread)`;
    expect(await shown()).toEqual<Shown[]>([{
      title: replaced, body: 'New mail (updated by the site)', tag: 'inbox', data: { folder: 'inbox' }, actions: [],
    }]);
    await clickOpens(replaced, url('/inbox'));
  });

  it('a legacy payload from an ordinary web-push sender reaches the site\'s own push handler', async () => {
    const legacy = JSON.stringify({ subject: 'Hello', text: 'from a legacy sender' });
    // The server only sends declarative messages: a legacy one is refused, not passed through.
    const refused = await api('POST', '/api/notifications', { message: legacy });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid-message' } });

    const before = fixtures.mock.received(subscriber.id).length;
    const request = webpush.generateRequestDetails(subscriber.subscription, legacy, {
      vapidDetails: { subject: 'mailto:ops@example.com', ...webpush.generateVAPIDKeys() },
    });
    const answer = await fetch(request.endpoint, { method: request.method, headers: request.headers, body: new Uint8Array(request.body as Buffer) });
    expect(answer.status).toBe(201);
    const [received] = fixtures.mock.received(subscriber.id).slice(before);
    expect(received!.headers['content-encoding']).toBe('aes128gcm');
    expect(received!.payload).toBe(legacy);

    await pushes.push(received!.payload!);
    expect(await shown()).toEqual<Shown[]>([{ title: 'Legacy: Hello', body: 'from a legacy sender', tag: 'legacy', data: null, actions: [] }]);
    expect(await badgeCalls()).toEqual([]);
  });
});
