/**
 * The switch-over of a site that already sends Web Push (docs/migrating.md), with real parts:
 * `dwpush serve` sends a hybrid payload (the declarative message plus the site's old fields) to a
 * loopback push service, which decrypts it; those bytes go into a real Chromium, first to the
 * site's old worker (no polyfill), then, after the worker updates, to the new one (the polyfill's
 * line added). Clicks go through the desktop notification server, as a user's would. Last, an FCM
 * message converted with `convertMessage` is sent and shown as declared.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { convertMessage } from '../../src/convert-message.js';
import { describeInChromium, launchChromium, PushDelivery, registerServiceWorker, type Chromium } from '../support/chromium.js';
import { FakeNotificationServer } from '../support/fake-notification-server.js';
import { ADMIN_TOKEN } from '../support/push-server-harness.js';
import { spawnServer, useServerFixtures, waitFor, type ServerProcess } from '../support/spawn-server.js';
import { startTestSite, type TestSite } from '../support/test-site.js';
import type { MockSubscription } from '../support/mock-push-service.js';

const BUILT = new URL('../../dist/polyfill/declarative-push-sw.js', import.meta.url);
const OLD_SW = new URL('./fixtures/firefox-old-site-sw.js', import.meta.url);
/** The one-line change docs/migrating.md asks for, put first in the old worker. */
const POLYFILL_LINE = "importScripts('/declarative-push-sw.js');\n";
// Takes control at once, so the test need not wait for tabs to close (a real update waits for them).
const SCAFFOLD = `self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
`;

describeInChromium('migrating a site: hybrid payloads in an old and an updated worker, a converted FCM message', () => {
  const fixtures = useServerFixtures('dwp-migration-', { beforeAll, afterAll });
  let server: ServerProcess;
  let subscriber: MockSubscription;
  let site: TestSite;
  let dbus: FakeNotificationServer;
  let chromium: Chromium;
  let pushes: PushDelivery;
  let updated = false;

  const url = (path: string) => `${site.origin}${path}`;
  const api = (method: string, path: string, body?: unknown) => fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

  /** A broadcast through the server's API; returns the plaintext the push service decrypted. */
  async function broadcast(body: Record<string, unknown>): Promise<string> {
    const before = fixtures.mock.received(subscriber.id).length;
    const accepted = await api('POST', '/api/notifications', body);
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    await waitFor(async () => {
      const status = (await (await api('GET', `/api/notifications/${id}`)).json()) as { status: string };
      return status.status === 'done' ? status : undefined;
    }, 10_000);
    const [received] = fixtures.mock.received(subscriber.id).slice(before);
    return received!.payload!;
  }

  /** The notification Chromium showed (title and body), and where a user's click on it goes. */
  async function showAndClick(title: string): Promise<{ body: string; opened: string }> {
    for (const page of chromium.context.pages()) if (page.url().startsWith(site.origin)) await page.close();
    const notification = await dbus.waitFor((n) => n.summary === title);
    const opened = chromium.context.waitForEvent('page', { timeout: 5000 });
    dbus.click(notification.id);
    const page = await opened;
    await page.waitForLoadState();
    return { body: notification.body, opened: page.url() };
  }

  beforeAll(async () => {
    server = await spawnServer(['--data-dir', fixtures.dir, '--allow-push-origin', fixtures.mock.origin], { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
    fixtures.servers.push(server);
    subscriber = fixtures.mock.subscribe();
    expect((await fetch(`${server.url}/api/subscriptions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ subscription: subscriber.subscription }),
    })).status).toBe(201);
    dbus = await FakeNotificationServer.start();
    site = await startTestSite({
      '/': { type: 'text/html', body: '<!doctype html><title>shop</title>' },
      '/orders/4417': { type: 'text/html', body: '<!doctype html><title>order</title>' },
      '/legacy/orders/4417': { type: 'text/html', body: '<!doctype html><title>old order page</title>' },
      '/sale': { type: 'text/html', body: '<!doctype html><title>sale</title>' },
      '/sw.js': { type: 'text/javascript', body: () => (updated ? POLYFILL_LINE : '') + SCAFFOLD + readFileSync(OLD_SW, 'utf8') },
      '/declarative-push-sw.js': { type: 'text/javascript', body: () => readFileSync(BUILT, 'utf8') },
    });
    chromium = await launchChromium({ origin: site.origin, dbusAddress: dbus.address });
    await registerServiceWorker(chromium.context, url('/'), '/sw.js');
    pushes = await PushDelivery.open(chromium.context, await chromium.context.newPage(), site.origin);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await dbus?.stop();
    await site?.close();
  });

  const hybrid = (tag: string) => ({
    message: { web_push: 8030, notification: { title: `Your order has shipped (${tag})`, body: 'Parcel 4417 arrives on Thursday', navigate: url('/orders/4417') } },
    legacy: { title: `Example Shop (${tag})`, body: 'Your order has shipped', url: url('/legacy/orders/4417') },
  });

  it('the old worker, without the polyfill, shows the legacy fields of a hybrid payload, and its click goes to its own URL', async () => {
    const payload = await broadcast(hybrid('old worker'));
    expect(JSON.parse(payload)).toEqual({ ...hybrid('old worker').message, ...hybrid('old worker').legacy });
    await pushes.push(payload);
    const { body, opened } = await showAndClick('Example Shop (old worker)');
    expect(body).toContain('Your order has shipped');
    expect(opened).toBe(url('/legacy/orders/4417'));
  });

  it('the updated worker (the polyfill\'s line added) shows the declarative message of the same payload', async () => {
    updated = true;
    const page = await chromium.context.newPage();
    await page.goto(url('/'));
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      await registration.update();
      const next = registration.installing ?? registration.waiting;
      if (next) await new Promise((resolve) => next.addEventListener('statechange', () => next.state === 'activated' && resolve(null)));
    });
    const scriptOf = () => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
    expect(await scriptOf()).toBe(url('/sw.js'));

    await pushes.push(await broadcast(hybrid('new worker')));
    const { body, opened } = await showAndClick('Your order has shipped (new worker)');
    expect(body).toContain('Parcel 4417 arrives on Thursday');
    expect(opened).toBe(url('/orders/4417'));
    // The old handler did not run: no notification with the legacy title.
    expect(dbus.notifications.some((n) => n.summary === 'Example Shop (new worker)')).toBe(false);
  });

  it('an FCM message converted with convertMessage is sent and shown as declared', async () => {
    const fcm = {
      message: {
        token: 'device-token',
        notification: { title: 'Half-price sale', body: 'Today only' },
        webpush: { headers: { TTL: '3600' }, notification: { body: 'Everything half price, today only' }, fcm_options: { link: url('/sale') } },
      },
    };
    const { message, sendOptions } = convertMessage(fcm);
    const payload = await broadcast({ message, ...sendOptions });
    expect(JSON.parse(payload)).toEqual({ web_push: 8030, notification: { title: 'Half-price sale', navigate: url('/sale'), body: 'Everything half price, today only' } });
    expect(fixtures.mock.received(subscriber.id).at(-1)!.headers.ttl).toBe('3600');
    await pushes.push(payload);
    const { body, opened } = await showAndClick('Half-price sale');
    expect(body).toContain('Everything half price, today only');
    expect(opened).toBe(url('/sale'));
  });
});
