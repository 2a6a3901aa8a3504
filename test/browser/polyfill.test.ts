import { readFileSync } from 'node:fs';
import type { Worker } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeInChromium, launchChromium, PushDelivery, registerServiceWorker, type Chromium } from '../support/chromium.js';
import { FakeNotificationServer } from '../support/fake-notification-server.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

const BUILT = new URL('../../dist/polyfill/declarative-push-sw.js', import.meta.url);
const SITE_SW = new URL('./fixtures/polyfill-site-sw.js', import.meta.url);

type Listed = { title: string; body: string; tag: string; data: unknown; actions: Array<{ action: string; title: string }> };
type SiteScope = { listNotifications(): Promise<Listed[]>; reset(): Promise<void>; log: unknown[][] };

describeInChromium('the built polyfill in Chromium', () => {
  let site: TestSite;
  let dbus: FakeNotificationServer;
  let chromium: Chromium;
  let worker: Worker;
  let pushes: PushDelivery;

  const notifications = () => worker.evaluate(() => (self as unknown as SiteScope).listNotifications());
  const log = () => worker.evaluate(() => (self as unknown as SiteScope).log);
  const url = (path: string) => `${site.origin}${path}`;
  const message = (title: string, notification: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
    web_push: 8030,
    notification: { title, navigate: '/inbox', ...notification },
    ...extra,
  });

  beforeAll(async () => {
    dbus = await FakeNotificationServer.start();
    site = await startTestSite({
      '/': { type: 'text/html', body: '<!doctype html><title>site</title>' },
      '/sw.js': { type: 'text/javascript', body: () => readFileSync(SITE_SW, 'utf8') },
      '/declarative-push-sw.js': { type: 'text/javascript', body: () => readFileSync(BUILT, 'utf8') },
    });
    chromium = await launchChromium({ origin: site.origin, dbusAddress: dbus.address });
    ({ worker } = await registerServiceWorker(chromium.context, url('/'), '/sw.js'));
    // The DevTools session lives on a page outside the site, so tests can close every site window.
    const control = await chromium.context.newPage();
    pushes = await PushDelivery.open(chromium.context, control, site.origin);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await dbus?.stop();
    await site?.close();
  });

  beforeEach(() => worker.evaluate(() => (self as unknown as SiteScope).reset()));

  it('shows a declarative message with its title, body, tag, data and actions; the site\'s push handler does not run', async () => {
    await pushes.push(message('Declarative', {
      body: 'The body', tag: 'd1', data: { id: 42, nested: ['x'] },
      actions: [
        { action: 'reply', title: 'Reply', navigate: '/reply' },
        { action: 'archive', title: 'Archive', navigate: '/archive' },
        { action: 'third', title: 'Third', navigate: '/third' },
      ],
    }));
    expect(await notifications()).toEqual([{
      title: 'Declarative', body: 'The body', tag: 'd1', data: { id: 42, nested: ['x'] },
      actions: [{ action: 'reply', title: 'Reply' }, { action: 'archive', title: 'Archive' }], // Notification.maxActions is 2
    }]);
    expect(await log()).toEqual([]);
  });

  it('leaves a legacy payload to the site\'s handler and shows nothing itself', async () => {
    await pushes.push('{"title":"not declarative"}');
    expect((await notifications()).map((n) => n.title)).toEqual(['Legacy: {"title":"not declarative"}']);
    expect(await log()).toEqual([['legacy', '{"title":"not declarative"}']]);
  });

  it('mutable: shows the site\'s replacement, not the original', async () => {
    await pushes.push(message('Mutable', { tag: 'm', data: { scenario: 'replace' } }, { mutable: true }));
    expect((await notifications()).map((n) => [n.title, n.data])).toEqual([['Replaced: Mutable', { scenario: 'replace' }]]);
    expect(await log()).toEqual([['mutable', 'replace']]);
  });

  it('mutable: a replacement followed by a rejected promise leaves only the replacement', async () => {
    await pushes.push(message('Then rejects', { data: { scenario: 'replace-then-reject' } }, { mutable: true }));
    expect((await notifications()).map((n) => n.title)).toEqual(['Replaced: Then rejects']);
  });

  it.each(['throw', 'hang', 'reject'])('mutable: a handler that does "%s" gets the original shown exactly once', async (scenario) => {
    await pushes.push(message(`Original ${scenario}`, { body: 'b', data: { scenario } }, { mutable: true }));
    expect((await notifications()).map((n) => [n.title, n.body])).toEqual([[`Original ${scenario}`, 'b']]);
    expect(await log()).toEqual([['mutable', scenario]]);
  });

  it('sets the app badge, then clears it with app_badge 0', async () => {
    await pushes.push(message('Badge 4', {}, { app_badge: 4 }));
    await pushes.push(message('Badge 0', {}, { app_badge: 0 }));
    expect(await log()).toEqual([['setAppBadge', 4], ['setAppBadge', 0]]);
  });

  describe('trusted clicks through the desktop notification server', () => {
    const clickable = {
      actions: [
        { action: 'reply', title: 'Reply', navigate: '/reply' },
        { action: 'archive', title: 'Archive', navigate: '/archive' },
      ],
    };

    async function pushAndFind(title: string) {
      await pushes.push(message(title, clickable));
      return dbus.waitFor((n) => n.summary === title);
    }

    const sitePages = () => chromium.context.pages().filter((p) => p.url().startsWith(site.origin));

    it('a click on the body opens the navigate URL in a new window when none is open', async () => {
      for (const open of sitePages()) await open.close();
      const shown = await pushAndFind('Click body');
      const opened = chromium.context.waitForEvent('page');
      dbus.click(shown.id, 'default');
      const newPage = await opened;
      await newPage.waitForURL(url('/inbox'));
      expect(await log()).toEqual([]); // the site's click handler did not run
      expect(await notifications()).toEqual([]); // and the notification closed
    });

    it.each([
      ['0', '/reply'],
      ['1', '/archive'],
    ])('a click on action %s opens its URL in a new window and leaves the site\'s open window as it was (no work lost)', async (key, path) => {
      const [existing] = sitePages();
      expect(existing).toBeDefined();
      await existing!.goto(url('/'));
      const before = sitePages().length;
      const shown = await pushAndFind(`Click action ${key}`);
      expect(shown.actions.map((a) => a.key)).toEqual(expect.arrayContaining(['default', '0', '1']));
      const opened = chromium.context.waitForEvent('page');
      dbus.click(shown.id, key);
      const newPage = await opened;
      await newPage.waitForURL(url(path));
      expect(existing!.url()).toBe(url('/'));
      expect(sitePages()).toHaveLength(before + 1);
      expect(await log()).toEqual([]);
      await newPage.close();
    });

    it('a click focuses a window already at the URL and navigates nothing', async () => {
      const pages = sitePages();
      await pages[0]!.goto(url('/inbox'));
      const other = await chromium.context.newPage();
      await other.goto(url('/elsewhere'));
      const shown = await pushAndFind('Click focus');
      const focused = pages[0]!.waitForFunction(() => document.hasFocus(), undefined, { timeout: 5000 });
      dbus.click(shown.id, 'default');
      await focused;
      expect(other.url()).toBe(url('/elsewhere'));
      expect(pages[0]!.url()).toBe(url('/inbox'));
      expect(sitePages()).toHaveLength(pages.length + 1);
      await other.close();
    });
  });
});
