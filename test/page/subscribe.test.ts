// @vitest-environment happy-dom
// @vitest-environment-options {"url": "https://shop.example/account"}
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PageError } from '../../polyfill/page/page-errors.js';
import { subscribe } from '../../polyfill/page/subscribe.js';
import { installFakeBrowser, json, serverRoutes, VAPID_PUBLIC_KEY } from './support/fake-browser.js';

afterEach(() => vi.unstubAllGlobals());

const KEY_BYTES = new Uint8Array(Buffer.from(VAPID_PUBLIC_KEY, 'base64url'));

async function rejection(promise: Promise<unknown>): Promise<PageError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PageError);
  return error as PageError;
}

describe('subscribe: polyfill path (no native declarative push)', () => {
  it('registers the service worker, waits for it, subscribes with the server key and posts the subscription', async () => {
    const browser = installFakeBrowser();
    const result = await subscribe({ serverUrl: '', channels: ['me-1'], swUrl: '/sw.js', scope: '/' });

    expect(result).toEqual({ mode: 'polyfill', subscription: browser.swPushManager.current!.toJSON() });
    expect(browser.prompts).toBe(1);
    expect(browser.registered).toEqual([{ url: '/sw.js', options: { scope: '/' } }]);
    expect(browser.swPushManager.subscribeCalls).toHaveLength(1);
    const [options] = browser.swPushManager.subscribeCalls;
    expect(options!.userVisibleOnly).toBe(true);
    expect(options!.applicationServerKey).toEqual(KEY_BYTES);
    expect(browser.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET https://shop.example/api/vapid-public-key',
      'POST https://shop.example/api/subscriptions',
    ]);
    expect(browser.calls[1]!.body).toEqual({ subscription: result.subscription, channels: ['me-1'] });
  });

  it('defaults to /sw.js with the browser’s default scope, and sends no channels when none are given', async () => {
    const browser = installFakeBrowser();
    await subscribe({ serverUrl: '' });
    expect(browser.registered).toEqual([{ url: '/sw.js', options: undefined }]);
    expect(browser.calls[1]!.body).toEqual({ subscription: expect.objectContaining({ endpoint: 'https://push.example/send/1' }) });
  });

  it('posts the grant the site gave it, with or without channels', async () => {
    const browser = installFakeBrowser();
    const { subscription } = await subscribe({ serverUrl: '', grant: 'dwpg1.e30.mac' });
    expect(browser.calls[1]!.body).toEqual({ subscription, grant: 'dwpg1.e30.mac' });
    await subscribe({ serverUrl: '', grant: 'dwpg1.e30.mac', channels: ['orders'] });
    expect(browser.calls.at(-1)!.body).toEqual({ subscription, channels: ['orders'], grant: 'dwpg1.e30.mac' });
  });

  it('keeps a path prefix of serverUrl', async () => {
    const routes = Object.fromEntries(Object.entries(serverRoutes()).map(([key, answer]) => [key.replace(' /', ' /dwp/'), answer]));
    const browser = installFakeBrowser({ routes });
    await subscribe({ serverUrl: 'https://push.example.org/dwp' });
    expect(browser.calls.map((c) => c.url)).toEqual(['https://push.example.org/dwp/api/vapid-public-key', 'https://push.example.org/dwp/api/subscriptions']);
  });

  it('reuses a subscription made with the same key, and replaces one made with another key', async () => {
    const browser = installFakeBrowser({ permission: 'granted' });
    await subscribe({ serverUrl: '' });
    const first = browser.swPushManager.current!;
    await subscribe({ serverUrl: '' });
    expect(browser.swPushManager.subscribeCalls).toHaveLength(1);
    expect(browser.prompts).toBe(0);

    first.options.applicationServerKey = new Uint8Array(65).fill(4).buffer; // as if made for another server
    await subscribe({ serverUrl: '' });
    expect(first.unsubscribed).toBe(true);
    expect(browser.swPushManager.subscribeCalls).toHaveLength(2);
  });
});

describe('subscribe: native declarative push', () => {
  it('subscribes on navigator.pushManager without registering any service worker', async () => {
    const browser = installFakeBrowser({ native: true, serviceWorker: false });
    const result = await subscribe({ serverUrl: '', channels: ['news'] });
    expect(result.mode).toBe('native');
    expect(browser.nativePushManager.subscribeCalls).toEqual([{ userVisibleOnly: true, applicationServerKey: KEY_BYTES }]);
    expect(browser.registered).toEqual([]);
    expect(browser.calls[1]!.body).toEqual({ subscription: result.subscription, channels: ['news'] });
  });
});

describe('subscribe: native browser, useServiceWorker', () => {
  it('subscribes through the service worker instead, so legacy pushes still reach it', async () => {
    const browser = installFakeBrowser({ native: true });
    const result = await subscribe({ serverUrl: '', swUrl: '/sw.js', scope: '/', useServiceWorker: true });
    expect(result.mode).toBe('polyfill');
    expect(browser.registered).toEqual([{ url: '/sw.js', options: { scope: '/' } }]);
    expect(browser.nativePushManager.subscribeCalls).toEqual([]);
    expect(browser.swPushManager.subscribeCalls).toHaveLength(1);
  });

  it('is unsupported where there is no service worker to use', async () => {
    installFakeBrowser({ native: true, serviceWorker: false });
    expect((await rejection(subscribe({ serverUrl: '', useServiceWorker: true }))).code).toBe('unsupported');
  });
});

describe('subscribe: errors', () => {
  it('permission already denied: permission-denied, no prompt, nothing subscribed or posted', async () => {
    const browser = installFakeBrowser({ permission: 'denied' });
    expect((await rejection(subscribe({ serverUrl: '' }))).code).toBe('permission-denied');
    expect(browser.prompts).toBe(0);
    expect(browser.swPushManager.subscribeCalls).toEqual([]);
    expect(browser.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it.each([
    ['denied', /declined/],
    ['default', /dismissed/],
  ] as const)('prompt answered %s: permission-denied', async (answer, detail) => {
    const browser = installFakeBrowser({ answer });
    const error = await rejection(subscribe({ serverUrl: '' }));
    expect(error.code).toBe('permission-denied');
    expect(error.message).toMatch(detail);
    expect(browser.registered).toEqual([]);
  });

  it('the push service answers NotAllowedError: permission-denied', async () => {
    const browser = installFakeBrowser();
    browser.swPushManager.refuse = new DOMException('Registration failed - permission denied', 'NotAllowedError');
    expect((await rejection(subscribe({ serverUrl: '' }))).code).toBe('permission-denied');
  });

  it('the push service fails otherwise: subscribe-failed, and nothing is posted', async () => {
    const browser = installFakeBrowser();
    browser.swPushManager.refuse = new DOMException('Registration failed - push service error', 'AbortError');
    const error = await rejection(subscribe({ serverUrl: '' }));
    expect(error.code).toBe('subscribe-failed');
    expect(error.message).toMatch(/push service error/);
    expect(browser.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it.each([
    ['an insecure context', { secure: false }, /secure context/],
    ['no service worker and no native push', { serviceWorker: false }, /no service workers/],
    ['no Push API', { pushApi: false }, /no Push API/],
    ['no Notifications API', { notifications: false }, /no Notifications API/],
  ] as const)('%s: unsupported, before any request', async (_, options, detail) => {
    const browser = installFakeBrowser(options);
    const error = await rejection(subscribe({ serverUrl: '' }));
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(detail);
    expect(browser.calls).toEqual([]);
  });

  it('server down: server-unreachable naming the server, and no push subscription made', async () => {
    const browser = installFakeBrowser({ routes: 'down' });
    const error = await rejection(subscribe({ serverUrl: 'https://push.example.org' }));
    expect(error.code).toBe('server-unreachable');
    expect(error.message).toMatch(/https:\/\/push\.example\.org/);
    expect(browser.swPushManager.subscribeCalls).toEqual([]);
  });

  it('server refuses the subscription: server-error with its status, code and message', async () => {
    installFakeBrowser({
      routes: serverRoutes({ 'POST /api/subscriptions': () => json(400, { error: { code: 'invalid-subscription', message: 'keys.auth is missing' } }) }),
    });
    const error = await rejection(subscribe({ serverUrl: '' }));
    expect(error).toMatchObject({ code: 'server-error', status: 400, serverCode: 'invalid-subscription' });
    expect(error.message).toMatch(/keys\.auth is missing/);
  });

  it('server refuses the grant: server-error 403 with grant-expired', async () => {
    installFakeBrowser({
      routes: serverRoutes({ 'POST /api/subscriptions': () => json(403, { error: { code: 'grant-expired', message: 'this grant expired' } }) }),
    });
    const error = await rejection(subscribe({ serverUrl: '', grant: 'dwpg1.e30.mac' }));
    expect(error).toMatchObject({ code: 'server-error', status: 403, serverCode: 'grant-expired' });
  });

  it('a proxy error page (not JSON): server-error with the HTTP status', async () => {
    installFakeBrowser({ routes: serverRoutes({ 'GET /api/vapid-public-key': () => new Response('<h1>Bad gateway</h1>', { status: 502 }) }) });
    const error = await rejection(subscribe({ serverUrl: '' }));
    expect(error).toMatchObject({ code: 'server-error', status: 502, serverCode: undefined });
    expect(error.message).toMatch(/HTTP 502/);
  });

  it('an answer without publicKey: server-error', async () => {
    installFakeBrowser({ routes: serverRoutes({ 'GET /api/vapid-public-key': () => json(200, { key: 'x' }) }) });
    expect((await rejection(subscribe({ serverUrl: '' }))).code).toBe('server-error');
  });

  it('a publicKey that is not base64url: server-error, and nothing is subscribed', async () => {
    const browser = installFakeBrowser({ routes: serverRoutes({ 'GET /api/vapid-public-key': () => json(200, { publicKey: 'not base64!' }) }) });
    const error = await rejection(subscribe({ serverUrl: '' }));
    expect(error.code).toBe('server-error');
    expect(error.message).toMatch(/base64url/);
    expect(browser.swPushManager.subscribeCalls).toEqual([]);
  });

  it.each(['rejected', 'redundant'] as const)('service worker %s: service-worker-failed', async (install) => {
    const browser = installFakeBrowser({ install });
    expect((await rejection(subscribe({ serverUrl: '', swUrl: '/sw.js' }))).code).toBe('service-worker-failed');
    expect(browser.swPushManager.subscribeCalls).toEqual([]);
  });
});
