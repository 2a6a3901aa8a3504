// @vitest-environment happy-dom
// @vitest-environment-options {"url": "https://shop.example/"}
import { afterEach, describe, expect, it, vi } from 'vitest';
import { currentSubscription } from '../../polyfill/page/current-subscription.js';
import { subscribe } from '../../polyfill/page/subscribe.js';
import { unsubscribe } from '../../polyfill/page/unsubscribe.js';
import { installFakeBrowser, json, type FakeBrowserOptions } from './support/fake-browser.js';

afterEach(() => vi.unstubAllGlobals());

async function subscribed(options: FakeBrowserOptions = {}) {
  const browser = installFakeBrowser({ permission: 'granted', ...options });
  await subscribe({ serverUrl: '', scope: '/' });
  const manager = options.native ? browser.nativePushManager : browser.swPushManager;
  const subscription = manager.current!;
  browser.calls.length = 0;
  return { browser, subscription };
}

describe('unsubscribe', () => {
  it('deletes the subscription on the server, then in the browser', async () => {
    const { browser, subscription } = await subscribed();
    expect(await unsubscribe({ serverUrl: '', scope: '/' })).toEqual({ endpoint: subscription.endpoint });
    expect(browser.calls).toEqual([{ method: 'DELETE', url: 'https://shop.example/api/subscriptions', body: { endpoint: subscription.endpoint }, authorization: null }]);
    expect(subscription.unsubscribed).toBe(true);
    expect(await currentSubscription({ scope: '/' })).toBeNull();
  });

  it('native: finds the subscription on navigator.pushManager', async () => {
    const { subscription } = await subscribed({ native: true, serviceWorker: false });
    expect(await currentSubscription()).toMatchObject({ mode: 'native' });
    expect(await unsubscribe({ serverUrl: '' })).toEqual({ endpoint: subscription.endpoint });
    expect(subscription.unsubscribed).toBe(true);
  });

  it('native browser with a service-worker subscription (useServiceWorker): finds and removes that one', async () => {
    const browser = installFakeBrowser({ native: true, permission: 'granted' });
    await subscribe({ serverUrl: '', scope: '/', useServiceWorker: true });
    const subscription = browser.swPushManager.current!;
    expect(await unsubscribe({ serverUrl: '', scope: '/' })).toEqual({ endpoint: subscription.endpoint });
    expect(subscription.unsubscribed).toBe(true);
  });

  it('nothing subscribed (no registration at all): null, and no request', async () => {
    const browser = installFakeBrowser();
    expect(await unsubscribe({ serverUrl: '', scope: '/' })).toEqual({ endpoint: null });
    expect(browser.calls).toEqual([]);
  });

  it('server down: server-unreachable, and the browser keeps its subscription for a retry', async () => {
    const { subscription } = await subscribed();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(unsubscribe({ serverUrl: '', scope: '/' })).rejects.toMatchObject({ code: 'server-unreachable' });
    expect(subscription.unsubscribed).toBe(false);
    expect(await currentSubscription({ scope: '/' })).toMatchObject({ subscription });
  });

  it('server error: server-error, and the browser keeps its subscription', async () => {
    const { subscription } = await subscribed();
    vi.stubGlobal('fetch', async () => json(500, { error: { code: 'db', message: 'database locked' } }));
    await expect(unsubscribe({ serverUrl: '', scope: '/' })).rejects.toMatchObject({ code: 'server-error', status: 500, serverCode: 'db' });
    expect(subscription.unsubscribed).toBe(false);
  });

  it('server no longer knows the endpoint (404): the browser subscription goes too', async () => {
    const { subscription } = await subscribed();
    const fetch = vi.fn(async () => json(404, { error: { code: 'not-found', message: 'unknown endpoint' } }));
    vi.stubGlobal('fetch', fetch);
    expect(await unsubscribe({ serverUrl: '', scope: '/' })).toEqual({ endpoint: subscription.endpoint });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(subscription.unsubscribed).toBe(true);
  });
});
