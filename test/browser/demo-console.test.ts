/**
 * The demo page as an operator's console, in a real Chromium against the real `dwpush serve`
 * (one delivery at a time, one attempt each, so a broadcast to slow subscribers stays under way
 * long enough to watch and cancel): the broadcast history, its live chart, Cancel, the failed
 * deliveries' last reason, and the audience counts with the zero-audience hint.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeInChromium } from '../support/chromium.js';
import { ADMIN_TOKEN, type DemoServer } from '../support/demo-server.js';
import { openDemoContext, startDemoStack, type DemoStack } from '../support/demo-stack.js';
import type { Answer, MockPushService, MockSubscription } from '../support/mock-push-service.js';

const CHANNELS = ['slow', 'refusing', 'news'];

describeInChromium('demo page as an operator’s console in Chromium', () => {
  let stack: DemoStack;
  let push: MockPushService;
  let server: DemoServer;
  let context: BrowserContext;
  let page: Page;

  const text = (selector: string) => page.locator(selector).first().textContent();
  /** A subscriber on the test push service, in `channel`, answering as told. */
  async function subscriber(channel: string, answers: Answer[] = [{ status: 201 }]): Promise<MockSubscription> {
    const other = push.subscribe(answers);
    const response = await fetch(`${server.url}/api/subscriptions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscription: other.subscription, channels: [channel] }),
    });
    expect(response.status).toBe(201);
    return other;
  }
  async function broadcast(channel: string, example?: string) {
    if (example) {
      await page.getByLabel('Example').selectOption(example);
      await page.getByRole('button', { name: 'Load example' }).click();
    }
    await page.getByLabel('Channel').fill(channel);
    await page.getByRole('button', { name: 'Broadcast', exact: true }).click();
  }

  beforeAll(async () => {
    stack = await startDemoStack(['--concurrency', '1', '--max-attempts', '1', ...CHANNELS.flatMap((c) => ['--public-channel', c])]);
    ({ push, server } = stack);
  }, 60_000);
  afterAll(() => stack?.close());
  beforeEach(async () => {
    ({ context, page } = await openDemoContext(stack, push.subscribe()));
    await page.goto(server.url);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  });
  afterEach(() => context.close());

  it('lists broadcasts newest first; a running one is charted live, overall and per push service; Cancel asks first, then stops it', async () => {
    await subscriber('news');
    const slow = await Promise.all([1, 2, 3, 4].map(() => subscriber('slow', [{ status: 201, delayMs: 700 }])));
    await broadcast('news');
    await expect.poll(() => text('.job-status'), { timeout: 10_000 }).toMatch(/: done, 1 of 1 handled$/);
    await broadcast('slow', 'hybrid');

    const entries = page.locator('.broadcast');
    const newest = entries.first();
    await expect.poll(() => entries.locator('.broadcast-title').allTextContents(), { timeout: 5000 }).toEqual(['Alice replied to you', 'Your order has shipped']);
    expect(await newest.locator('.broadcast-facts').textContent()).toMatch(/^to channel slow · created .+ · id [0-9a-f]{8}$/);
    expect(await entries.nth(1).locator('.broadcast-facts').textContent()).toMatch(/^to channel news · created .+ · finished .+ · id [0-9a-f]{8}$/);
    // Live: caught part-way, some sent and some pending, in the overall bar and in the push service's row.
    await expect.poll(() => newest.locator('.bar').first().getAttribute('aria-label'), { timeout: 5000 }).toMatch(/^Deliveries: [123] sent, 0 failed, 0 gone, [123] pending$/);
    expect(await newest.locator('.badge').textContent()).toMatch(/running$/);
    expect(await newest.locator('.service-chart th').allTextContents()).toEqual(['other']); // a loopback push service

    // Cancel, then change one's mind: from the keyboard, Escape keeps it running.
    await newest.getByRole('button', { name: /^Cancel broadcast/ }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Cancel this broadcast?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('“Alice replied to you” to channel slow:');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep sending');
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);
    expect(await newest.locator('.badge').textContent()).toMatch(/running$/);

    await newest.getByRole('button', { name: /^Cancel broadcast/ }).click();
    await dialog.getByRole('button', { name: 'Cancel broadcast' }).click();
    await expect.poll(() => newest.locator('.badge').textContent(), { timeout: 5000 }).toMatch(/cancelled$/);
    expect(await newest.getByRole('button').count()).toBe(0);
    expect(await newest.locator('.broadcast-facts').textContent()).toContain(' · finished ');
    const label = (await newest.locator('.bar').first().getAttribute('aria-label'))!;
    const [, sent, unsent, pending] = /^Deliveries: (\d) sent, 0 failed, 0 gone, (\d) unsent, (\d) pending$/.exec(label) ?? [];
    expect(Number(sent) + Number(unsent) + Number(pending)).toBe(4);
    expect(Number(unsent)).toBeGreaterThan(0);
    // Nothing more leaves; the delivery already on its way finishes and is counted.
    await new Promise((r) => setTimeout(r, 1500));
    const received = slow.reduce((n, s) => n + push.received(s.id).length, 0);
    expect(received).toBeLessThan(4);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => newest.locator('.bar').first().getAttribute('aria-label'), { timeout: 5000 })
      .toBe(`Deliveries: ${received} sent, 0 failed, 0 gone, ${4 - received} unsent, 0 pending`);
  });

  it('failed deliveries show their last reason', async () => {
    await subscriber('refusing', [{ status: 403 }]);
    await broadcast('refusing');
    const entry = page.locator('.broadcast').first();
    await expect.poll(() => entry.locator('.badge').textContent(), { timeout: 10_000 }).toMatch(/(done|failed)$/);
    await expect.poll(() => entry.locator('.failures').textContent(), { timeout: 5000 }).toMatch(/^Failed deliveries’ last reason: 403\b.* × 1$/);
    expect(await entry.locator('.count--failed').getAttribute('class')).toContain('is-nonzero');
  });

  it('counts subscribers per channel and in all; a broadcast to nobody explains itself before it is sent and after', async () => {
    await subscriber('news');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('#audience .channel-count').allTextContents(), { timeout: 5000 }).toContain(`news ${await newsCount()}`);
    expect(await text('#audience')).toMatch(/^\d+ subscribers? in all/);
    expect(await page.locator('#audience-hint').isVisible()).toBe(false);

    await page.getByLabel('Channel').fill('nobody-here');
    await expect.poll(() => text('#audience-hint')).toMatch(/^Nobody is in channel “nobody-here”: this broadcast would reach nobody\. Channels with subscribers: /);
    await page.getByRole('button', { name: 'Broadcast', exact: true }).click();
    await expect.poll(() => text('.job-status'), { timeout: 10_000 }).toMatch(/: done, nobody was in its audience$/);
    await expect.poll(() => text('.broadcast .hint'), { timeout: 5000 }).toMatch(/^Nobody was in its audience/);
    await page.getByLabel('Channel').fill('news');
    expect(await page.locator('#audience-hint').isVisible()).toBe(false);
  });

  /** Subscribers in channel news, as the server counts them. */
  async function newsCount(): Promise<number> {
    const response = await fetch(`${server.url}/api/channels`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const counts = await response.json() as { channels: { channel: string; subscribers: number }[] };
    return counts.channels.find((c) => c.channel === 'news')!.subscribers;
  }
});
