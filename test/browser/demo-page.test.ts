/**
 * The demo page in a real Chromium, served by the real `dwpush serve` (its own process, SQLite file and
 * the built polyfill) that pushes to a loopback test push service. `pushManager.subscribe` is stubbed
 * (headless Chromium reaches no push service) with a subscription on that test service, whose keys
 * let it decrypt what the server sends. Needs Debian's chromium: in CI a missing browser fails the
 * run (.ci/run installs it); elsewhere the suite is skipped with the reason.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeInChromium, PushDelivery } from '../support/chromium.js';
import { ADMIN_TOKEN, startDemoServer, type DemoServer } from '../support/demo-server.js';
import { openDemoContext, startDemoStack, type DemoStack } from '../support/demo-stack.js';
import type { MockPushService, MockSubscription } from '../support/mock-push-service.js';

describeInChromium('demo page in Chromium, served by dwpush serve', () => {
  let stack: DemoStack;
  let push: MockPushService;
  let server: DemoServer;
  let context: BrowserContext;
  let page: Page;
  /** This test's browser subscription: an endpoint on the test push service. */
  let mine: MockSubscription;

  const startServer = () => startDemoServer({ allowPushOrigin: push.origin });
  const text = (selector: string) => page.locator(selector).textContent();
  const subscribeButton = () => page.getByRole('button', { name: 'Subscribe', exact: true });
  /** `POST` or `DELETE /api/subscriptions` on the server, as another browser would. */
  const subscriptionsAPI = (method: 'POST' | 'DELETE', body: unknown) =>
    fetch(`${server.url}/api/subscriptions`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  async function otherSubscriber(channels: string[]): Promise<MockSubscription> {
    const other = push.subscribe();
    expect((await subscriptionsAPI('POST', { subscription: other.subscription, channels })).status).toBe(201);
    return other;
  }

  beforeAll(async () => {
    stack = await startDemoStack();
    ({ push, server } = stack);
  }, 60_000);
  afterAll(() => stack?.close());
  beforeEach(async () => {
    mine = push.subscribe();
    ({ context, page } = await openDemoContext(stack, mine));
    await page.goto(server.url);
  });
  afterEach(() => context.close());

  it('subscribe stores the subscription with the user of the grant the demo server minted; unsubscribe deletes it', async () => {
    await subscribeButton().click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toMatch(/^Subscribed \(through the polyfill/);
    const user = await page.evaluate(() => localStorage.getItem('dwp-demo-user'));
    expect(user).toMatch(/^demo-[0-9a-f-]{36}$/);
    expect(server.userOf(mine.subscription.endpoint)).toBe(user);
    expect(server.channelsOf(mine.subscription.endpoint)).toEqual([]);
    expect(await page.locator('.my-user').allTextContents()).toEqual([user, user]);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toBe('Not subscribed.');
    expect(server.channelsOf(mine.subscription.endpoint)).toBeNull();
  });

  it('unsubscribe also completes when the server already forgot the subscription (a push service said it is gone)', async () => {
    await subscribeButton().click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toMatch(/^Subscribed/);
    expect((await subscriptionsAPI('DELETE', { endpoint: mine.subscription.endpoint })).status).toBe(204);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toBe('Not subscribed.');
    expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).pushManager.getSubscription())).toBeNull();
  });

  it('live lint lists findings with their line numbers, and clicking one moves the caret there', async () => {
    const message = '{\n  "web_push": 8030,\n  "notification": {\n    "title": 42,\n    "navigate": "/x"\n  }\n}\n';
    await page.locator('#editor').fill(message);
    const finding = page.locator('.finding', { hasText: 'title-not-a-string' });
    // The server's findings carry JSON Pointers, not positions: the page locates /notification/title.
    await expect.poll(() => finding.locator('.finding-location').textContent(), { timeout: 5000 }).toBe('line 4, col 5');
    expect(await finding.locator('.finding-message').textContent()).toBe('notification.title is a number, not a string');
    expect(await text('#lint-summary')).toMatch(/^2 errors/);
    // Relative URLs are explained against this page's scope, not a placeholder origin.
    const relative = page.locator('.finding', { hasText: 'url-relative' });
    expect(await relative.locator('.finding-location').textContent()).toBe('line 5, col 5');
    expect(await relative.locator('.finding-hint').textContent()).toContain(`"${server.url}/x"`);
    await finding.click();
    expect(await page.locator('#editor').evaluate((e: HTMLTextAreaElement) => e.selectionStart)).toBe(message.indexOf('"title"'));
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

  it('Format pretty-prints one-line JSON keeping the caret on its member; Ctrl+Z brings the line back', async () => {
    const line = '{"web_push":8030,"notification":{"title":"Hi","navigate":"https://a.example/","body":"There"}}';
    const editor = page.locator('#editor');
    await editor.fill(line);
    await editor.evaluate((e: HTMLTextAreaElement, at) => e.setSelectionRange(at, at), line.indexOf('navigate') + 2);
    await page.getByRole('button', { name: 'Format' }).click();
    const formatted = await editor.inputValue();
    expect(formatted).toBe(`${JSON.stringify(JSON.parse(line), null, 2)}\n`);
    const caret = await editor.evaluate((e: HTMLTextAreaElement) => [e.selectionStart, document.activeElement === e]);
    expect(caret).toEqual([formatted.indexOf('navigate') + 2, true]); // still "na|vigate"
    await page.keyboard.press('Control+z');
    expect(await editor.inputValue()).toBe(line);
    await editor.fill('{"title": }');
    await page.getByRole('button', { name: 'Format' }).click();
    expect(await text('#editor-status')).toMatch(/^Format needs valid JSON: /);
    expect(await editor.inputValue()).toBe('{"title": }');
  });

  it('loading an example replaces the text as one undoable edit; the preview and lint follow', async () => {
    const editor = page.locator('#editor');
    await editor.fill('{"mine": true}');
    await page.getByLabel('Example').selectOption('explainer');
    await page.getByRole('button', { name: 'Load example' }).click();
    expect(JSON.parse(await editor.inputValue())).toMatchObject({ title: 'Your order shipped', default_action_url: `${server.url}/orders/5521` });
    await expect.poll(() => page.locator('.finding-code').allTextContents(), { timeout: 5000 }).toEqual(['explainer-format']);
    await page.getByLabel('Example').selectOption('hybrid');
    await page.getByRole('button', { name: 'Load example' }).click();
    expect(await text('.notification-title')).toBe('Alice replied to you');
    // Its legacy fields fill their box, and the old worker's view shows the hybrid payload.
    expect(JSON.parse(await page.locator('#legacy').inputValue())).toEqual({ title: 'Alice replied to you', body: '“Sounds good, see you at 10.”', url: `${server.url}/threads/77` });
    expect(await text('#old-worker')).toContain(`"url": "${server.url}/threads/77"`);
    // Three edits so far (explainer; hybrid's legacy fields, then its message), undone in turn.
    await editor.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
    expect(await editor.inputValue()).toBe('{"mine": true}');
    await page.getByRole('button', { name: 'Load example' }).click(); // hybrid again, then standard: no legacy fields
    await page.getByLabel('Example').selectOption('standard');
    await page.getByRole('button', { name: 'Load example' }).click();
    expect(await page.locator('#legacy').inputValue()).toBe('');
  });

  it('copy as curl puts the Broadcast request on the clipboard and the page, without the admin token', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByLabel('Channel').fill('news');
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await expect.poll(() => text('#send-status')).toMatch(/^Copied the curl command/);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await text('#curl-command'));
    expect(copied).toContain(`curl -X POST '${server.url}/api/notifications'`);
    expect(copied).toContain('"channel": "news"');
    expect(copied).toContain('"title": "Your order has shipped"');
    expect(copied).toContain('$DWP_ADMIN_TOKEN');
    expect(copied).not.toContain(ADMIN_TOKEN);
  });

  it('a wrong admin token is reported', async () => {
    await page.getByLabel('Admin token').fill('wrong-token-wrong-token');
    await page.getByRole('button', { name: 'Broadcast', exact: true }).click();
    await expect.poll(() => text('#send-status'), { timeout: 5000 }).toMatch(/^The admin token was refused/);
  });

  it('send to me asks to subscribe first, then the server pushes the editor’s message, in its portable form, to this browser only, and the demo’s sw.js shows it', async () => {
    const bystander = await otherSubscriber([]); // no user: a "send to me" must not reach it
    // Another browser of the demo, with a user of its own: not reached either.
    const { grant } = (await (await fetch(`${server.url}/api/demo/grant`, { method: 'POST' })).json()) as { grant: string };
    const otherUser = push.subscribe();
    expect((await subscriptionsAPI('POST', { subscription: otherUser.subscription, grant })).status).toBe(201);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Send to me' }).click();
    await expect.poll(() => text('#send-status'), { timeout: 5000 }).toBe('Subscribe this browser first (step 1).');
    await subscribeButton().click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toMatch(/^Subscribed/);

    const message = {
      web_push: 8030,
      notification: { title: 'Sent from the demo', body: 'Through dwpush serve', navigate: `${server.url}/orders/4417`, app_badge: '3' },
    };
    await page.locator('#editor').fill(JSON.stringify(message, null, 2));
    await page.getByRole('button', { name: 'Send to me' }).click();
    await expect.poll(() => text('.job-status'), { timeout: 10_000 }).toMatch(/^Notification [\w-]+: done, 1 of 1 handled$/);
    expect(await page.locator('#progress .count--sent strong').textContent()).toBe('1');

    const [received, ...more] = push.received(mine.id);
    expect(more).toHaveLength(0);
    // The portable form: a digit-string badge becomes a number, at top level and in notification.
    expect(JSON.parse(received!.payload!)).toEqual({ ...message, app_badge: 3, notification: { ...message.notification, app_badge: 3 } });
    expect(push.received(bystander.id)).toHaveLength(0);
    expect(push.received(otherUser.id)).toHaveLength(0);

    // What the push service would hand this browser, delivered to the demo's /sw.js: the polyfill shows it.
    const delivery = await PushDelivery.open(context, page, server.url);
    await delivery.push(received!.payload!);
    const shown = await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => [n.title, n.body]));
    expect(shown).toEqual([[message.notification.title, message.notification.body]]);
  });

  it('legacy fields show what an old worker would receive, and send to me delivers that hybrid payload', async () => {
    await subscribeButton().click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toMatch(/^Subscribed/);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    const legacy = { title: 'Example Shop', body: 'Your order has shipped', url: `${server.url}/orders/4417` };
    await page.locator('#hybrid summary').click();
    await page.getByLabel(/Top-level fields an old worker reads/).fill(JSON.stringify(legacy));
    const shown = (await text('#old-worker'))!;
    const editor = JSON.parse(await page.locator('#editor').inputValue()) as Record<string, unknown>;
    expect(JSON.parse(shown.slice(0, shown.indexOf('\n\n')))).toEqual({ ...editor, ...legacy });
    await page.getByRole('button', { name: 'Send to me' }).click();
    await expect.poll(() => text('.job-status'), { timeout: 10_000 }).toMatch(/: done, 1 of 1 handled$/);
    expect(push.received(mine.id).map((r) => JSON.parse(r.payload!) as unknown)).toEqual([{ ...editor, ...legacy }]);
  });

  it('broadcast without a channel reaches every subscriber, whatever channels they joined', async () => {
    const other = await otherSubscriber(['news']);
    await subscribeButton().click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toMatch(/^Subscribed/);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Broadcast', exact: true }).click();
    await expect.poll(() => text('.job-status'), { timeout: 10_000 }).toMatch(/: done, (\d+) of \1 handled$/);
    const editor = JSON.parse(await page.locator('#editor').inputValue()) as unknown;
    for (const id of [mine.id, other.id]) {
      expect(push.received(id).map((r) => JSON.parse(r.payload!) as unknown)).toEqual([editor]);
    }
  });

  it('a message the server refuses is reported with the server’s reason, and nothing is pushed', async () => {
    await subscribeButton().click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toMatch(/^Subscribed/);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.locator('#editor').fill('plain text, not JSON');
    await page.getByRole('button', { name: 'Send to me' }).click();
    await expect.poll(() => text('#send-status'), { timeout: 5000 })
      .toBe('The push server refused the request: the message is not a valid declarative push message (json-syntax)');
    expect(push.received(mine.id)).toHaveLength(0);
  });

  it('when the page helper cannot load (not served by dwpush serve), the banner says so', async () => {
    expect(await page.locator('#server-banner').isVisible()).toBe(false);
    await page.route('**/dwp-page.js', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.reload();
    await expect.poll(() => page.locator('#server-banner').isVisible(), { timeout: 5000 }).toBe(true);
  });

  it('when the server goes away, the page says so in a banner and the preview keeps working', async () => {
    const gone = await startServer();
    await context.grantPermissions(['notifications'], { origin: gone.url });
    await page.goto(gone.url);
    await expect.poll(() => text('#lint-summary'), { timeout: 5000 }).toMatch(/^Valid/);
    expect(await page.locator('#server-banner').isVisible()).toBe(false);
    await gone.close();

    await page.locator('#editor').fill('{"web_push": 8030, "notification": {"title": "Still here", "navigate": "/"}}');
    await expect.poll(() => page.locator('#server-banner').isVisible(), { timeout: 5000 }).toBe(true);
    expect(await text('#server-banner')).toMatch(/Server unreachable/);
    expect(await text('#lint-summary')).toBe('Lint needs the server, which is unreachable.');
    expect(await text('.notification-title')).toBe('Still here');
    await subscribeButton().click();
    await expect.poll(() => text('#subscription-status'), { timeout: 5000 }).toMatch(/^The push server cannot be reached/);
  });
});
