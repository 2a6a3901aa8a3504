/**
 * The demo page in a real Chromium: subscribe flow (push service stubbed), live lint with line
 * numbers, the preview, and sending with progress. Needs Debian's chromium: in CI a missing browser
 * fails the run (.ci/run installs it); elsewhere the suite is skipped with the reason.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, STUB_PUSH_SERVICE } from './demo-page/chromium.js';
import { ADMIN_TOKEN, startStandInApi, type StandIn } from './demo-page/stand-in-api.js';

/**
 * The one function to swap at merge: start the server that serves the demo page and the API.
 * Today a stand-in; with the real server, start `dwp serve`'s app on a loopback port instead
 * (and read subscriptions/notifications from its database).
 */
async function startDemoServer(): Promise<StandIn> {
  return startStandInApi();
}

if (process.env.CI && !hasChromium) {
  it('has Chromium installed (CI needs it for the demo page test)', () => {
    expect.fail('/usr/bin/chromium is missing: install the Debian package chromium');
  });
}

describe.skipIf(!hasChromium)('demo page in Chromium', () => {
  let server: StandIn;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    await context.grantPermissions(['notifications'], { origin: server.url });
    await context.addInitScript(STUB_PUSH_SERVICE);
    page = await context.newPage();
    await page.goto(server.url);
  });
  afterEach(() => context.close());

  it('subscribe posts the subscription with this browser’s channel; unsubscribe deletes it', async () => {
    await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await expect.poll(() => page.locator('#subscription-status').textContent(), { timeout: 5000 }).toMatch(/^Subscribed \(through the polyfill/);
    const channel = await page.evaluate(() => localStorage.getItem('dwp-demo-channel'));
    expect(channel).toMatch(/^me-/);
    expect(server.subscriptions.at(-1)).toEqual({
      subscription: { endpoint: 'https://push.invalid/send/demo-page-test', expirationTime: null, keys: expect.objectContaining({ auth: 'tBHItJI5svbpez7KI4CCXg' }) },
      channels: [channel],
    });
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(() => page.locator('#subscription-status').textContent(), { timeout: 5000 }).toBe('Not subscribed.');
    expect(server.deletions.at(-1)).toEqual({ endpoint: 'https://push.invalid/send/demo-page-test' });
  });

  it('live lint lists a finding with its line number, and clicking it moves the caret there', async () => {
    const text = '{\n  "web_push": 8030,\n  "notification": {\n    "title": 42,\n    "navigate": "https://example.com/"\n  }\n}\n';
    await page.locator('#editor').fill(text);
    const finding = page.locator('.finding', { hasText: 'title-not-a-string' });
    await expect.poll(() => finding.locator('.finding-location').textContent(), { timeout: 5000 }).toBe('line 4, col 5');
    expect(await page.locator('#lint-summary').textContent()).toMatch(/^1 error/);
    await finding.click();
    expect(await page.locator('#editor').evaluate((e: HTMLTextAreaElement) => e.selectionStart)).toBe(text.indexOf('"title"'));
  });

  it('the preview shows the title, body, actions and where each click goes', async () => {
    const preview = page.locator('#preview');
    expect(await preview.locator('.notification-title').textContent()).toBe('Your order has shipped');
    expect(await preview.locator('.notification-body').textContent()).toMatch(/^Parcel 4417 left the warehouse/);
    expect(await preview.locator('.notification-action').allTextContents()).toEqual(['Track parcel', 'Get help']);
    const rows = await preview.locator('.click-targets tr').evaluateAll((trs) => trs.map((tr) => tr.textContent));
    expect(rows).toEqual([
      `Notification body${server.url}/orders/4417`,
      `Action “Track parcel”${server.url}/orders/4417/tracking`,
      `Action “Get help”${server.url}/help`,
    ]);
  });

  it('a wrong admin token is reported', async () => {
    await page.getByLabel('Admin token').fill('wrong');
    await page.getByRole('button', { name: 'Broadcast' }).click();
    await expect.poll(() => page.locator('#send-status').textContent(), { timeout: 5000 }).toMatch(/^The admin token was refused/);
  });

  it('send to me asks to subscribe first, then posts the message to this browser’s channel and follows its progress to done', async () => {
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Send to me' }).click();
    await expect.poll(() => page.locator('#send-status').textContent(), { timeout: 5000 }).toBe('Subscribe this browser first (step 1).');
    const sent = server.notifications.length;
    await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await expect.poll(() => page.locator('#subscription-status').textContent(), { timeout: 5000 }).toMatch(/^Subscribed/);
    await page.getByRole('button', { name: 'Send to me' }).click();
    await expect.poll(() => page.locator('.job-status').textContent(), { timeout: 5000 }).toMatch(/: done, 3 of 3 handled$/);
    const channel = await page.evaluate(() => localStorage.getItem('dwp-demo-channel'));
    expect(server.notifications).toHaveLength(sent + 1);
    expect(server.notifications.at(-1)).toMatchObject({ channel, message: { web_push: 8030, notification: { title: 'Your order has shipped' } } });
  });

  it('when the page helper cannot load (not served by dwp serve), the banner says so', async () => {
    await page.route('**/dwp-page.js', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.reload();
    await expect.poll(() => page.locator('#server-banner').isVisible(), { timeout: 5000 }).toBe(true);
  });

  it('when the server goes away, the page says so in a banner and the preview keeps working', async () => {
    const gone = await startDemoServer();
    await context.grantPermissions(['notifications'], { origin: gone.url });
    await page.goto(gone.url);
    await expect.poll(() => page.locator('#lint-summary').textContent(), { timeout: 5000 }).toMatch(/^Valid/);
    expect(await page.locator('#server-banner').isVisible()).toBe(false);
    await gone.close();

    await page.locator('#editor').fill('{"web_push": 8030, "notification": {"title": "Still here", "navigate": "/"}}');
    await expect.poll(() => page.locator('#server-banner').isVisible(), { timeout: 5000 }).toBe(true);
    expect(await page.locator('#server-banner').textContent()).toMatch(/Server unreachable/);
    expect(await page.locator('#lint-summary').textContent()).toBe('Lint needs the server, which is unreachable.');
    expect(await page.locator('.notification-title').textContent()).toBe('Still here');
    await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
    await expect.poll(() => page.locator('#subscription-status').textContent(), { timeout: 5000 }).toMatch(/^The push server cannot be reached/);
  });
});
