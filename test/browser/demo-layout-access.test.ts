/**
 * The demo page as an operator's console on a phone and a desktop, in a real Chromium against the
 * real `dwpush serve`: nothing scrolls sideways in the page's heaviest states, axe-core finds no
 * serious or critical WCAG 2 A/AA violation, and every control is reachable by keyboard with a
 * visible focus.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeInChromium } from '../support/chromium.js';
import { ADMIN_TOKEN, type DemoServer } from '../support/demo-server.js';
import { openDemoContext, startDemoStack, type DemoStack } from '../support/demo-stack.js';
import type { Answer } from '../support/mock-push-service.js';
import { seriousAxeViolations, sidewaysOverflow } from '../support/page-checks.js';

const LONG = 'x'.repeat(180);

describeInChromium('demo page layout and accessibility in Chromium', () => {
  let stack: DemoStack;
  let server: DemoServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // One delivery at a time, one attempt each: a broadcast to slow subscribers stays under way a while.
    stack = await startDemoStack(['--concurrency', '1', '--max-attempts', '1', '--public-channel', 'slow', '--public-channel', 'refusing']);
    ({ server } = stack);
  }, 60_000);
  afterAll(() => stack?.close());
  beforeEach(async () => {
    ({ context, page } = await openDemoContext(stack, stack.push.subscribe()));
  });
  afterEach(() => context.close());

  /** The page's heaviest states, one after another; `check` runs in each. */
  async function heavyStates(check: (state: string) => Promise<void>) {
    await page.goto(server.url);
    await expect.poll(() => page.locator('#lint-summary').textContent(), { timeout: 5000 }).toMatch(/^Valid/);
    await check('first load');

    // One long line of JSON with long URLs and a finding on each member.
    const findings = `{"web_push": 8030, "notification": {"title": 42, "navigate": "/${LONG}", "icon": "https://example.com/${LONG}.png", "bdy": "x", "actions": [{"action": "a", "title": "A", "navigate": "/${LONG}"}], "lang": "${LONG}"}}`;
    await page.locator('#editor').fill(findings);
    await expect.poll(() => page.locator('.finding').count(), { timeout: 5000 }).toBeGreaterThan(3);
    await check('findings of a long one-line message');

    // A valid message whose every text is long and unbroken, previewed; then sent, with its curl command.
    const message = {
      web_push: 8030,
      notification: {
        title: `T${LONG}`, body: `B${LONG}`, navigate: `${server.url}/${LONG}`, tag: LONG,
        actions: [{ action: 'a', title: `A${LONG}`, navigate: `${server.url}/a/${LONG}` }],
      },
    };
    await page.locator('#editor').fill(JSON.stringify(message));
    await expect.poll(() => page.locator('#lint-summary').textContent(), { timeout: 5000 }).toMatch(/^Valid/);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByLabel('Channel').fill(`c${'h'.repeat(63)}`);
    await page.getByRole('button', { name: 'Broadcast', exact: true }).click();
    await expect.poll(() => page.locator('.job-status').textContent(), { timeout: 10_000 }).toMatch(/: done/);
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await expect.poll(() => page.locator('#curl-command').textContent()).toContain('curl -X POST');
    await check('long preview, progress and curl command');

    // The history: a broadcast whose deliveries failed, one under way (charted per push service), a long title.
    await subscribe('refusing', [{ status: 403 }]);
    for (let i = 0; i < 3; i++) await subscribe('slow', [{ status: 201, delayMs: 1500 }]);
    await page.getByLabel('Channel').fill('refusing');
    await page.getByRole('button', { name: 'Broadcast', exact: true }).click();
    await expect.poll(() => page.locator('.broadcast .failures').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByLabel('Channel').fill('slow');
    await page.getByRole('button', { name: 'Broadcast', exact: true }).click();
    const running = page.locator('.broadcast--running').first();
    await expect.poll(() => running.locator('.service-chart').count(), { timeout: 10_000 }).toBe(1);
    await check('history with failures and a broadcast under way');

    await running.getByRole('button', { name: /^Cancel broadcast/ }).click();
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(true);
    await check('the cancel dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel broadcast' }).click();
    await expect.poll(() => page.locator('.broadcast--cancelled').count(), { timeout: 5000 }).toBeGreaterThan(0);
  }

  async function subscribe(channel: string, answers: Answer[]) {
    const response = await fetch(`${server.url}/api/subscriptions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: stack.push.subscribe(answers).subscription, channels: [channel] }),
    });
    expect(response.status).toBe(201);
  }

  for (const width of [390, 1280]) {
    it(`at ${width} px nothing scrolls sideways in any heavy state, and axe finds no serious violation`, async () => {
      await page.setViewportSize({ width, height: 900 });
      await heavyStates(async (state) => {
        expect(await sidewaysOverflow(page), state).toEqual({ scrollWidth: width, clientWidth: width, culprits: [] });
        expect(await seriousAxeViolations(page), state).toEqual([]);
      });
    });
  }

  it('at 320 px too, the narrowest phone', async () => {
    await page.setViewportSize({ width: 320, height: 700 });
    await heavyStates(async (state) => {
      expect((await sidewaysOverflow(page)).culprits, state).toEqual([]);
    });
  });

  it('every control is reachable with Tab, in page order, each with a visible focus ring', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.locator('.finding, #lint-summary.is-valid').count(), { timeout: 5000 }).toBeGreaterThan(0);
    const reached: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        if (!e || e === document.body) return null;
        // The editor draws its ring around the gutter and the text together.
        const ring = (node: Element) => {
          const style = getComputedStyle(node);
          return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        };
        const name = e.id || (e instanceof HTMLAnchorElement ? 'link' : '') || (e.tagName === 'SUMMARY' ? `summary of ${e.parentElement!.id}` : '')
          || e.querySelector('.finding-code')?.textContent || e.textContent!.trim();
        return { name, visible: ring(e) || (e.closest('.editor') !== null && ring(e.closest('.editor')!)) };
      });
      if (!focused) break;
      if (focused.name === reached[0]) break;
      expect(focused.visible, `focus ring on ${focused.name}`).toBe(true);
      reached.push(focused.name);
    }
    expect(reached).toEqual([
      'subscribe', 'profile', 'example', 'load-example', 'format', 'editor', 'actions-not-shown-by-safari',
      'link', 'link', 'link', // where each click goes
      'admin-token', 'summary of hybrid', 'Send to me', 'broadcast-channel', 'Broadcast', 'copy-curl', 'history-refresh',
    ]);
  });

  it('the editor tools work from the keyboard alone: choose an example, load it, format it', async () => {
    await page.goto(server.url);
    await page.locator('#example').focus();
    await page.keyboard.press('ArrowDown'); // standard -> mutable
    expect(await page.locator('#example').inputValue()).toBe('mutable');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.notification-title').textContent()).toBe('3 new messages in #launch');
    await page.locator('#editor').fill('{"web_push":8030,"notification":{"title":"Hi","navigate":"https://a.example/"}}');
    await page.locator('#format').focus();
    await page.keyboard.press('Space');
    expect(await page.locator('#editor').inputValue()).toBe('{\n  "web_push": 8030,\n  "notification": {\n    "title": "Hi",\n    "navigate": "https://a.example/"\n  }\n}\n');
  });
});
