/**
 * What every browser test of the demo page starts with: a loopback push service, the real
 * `dwpush serve` allowed to push to it (demo-server.ts), one headless Chromium, and per test a fresh
 * context whose push manager is stubbed with a subscription on that push service.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, stubPushManager } from './chromium.js';
import { startDemoServer, type DemoServer } from './demo-server.js';
import { startMockPushService, type MockPushService, type MockSubscription } from './mock-push-service.js';

export interface DemoStack {
  push: MockPushService;
  server: DemoServer;
  browser: Browser;
  close(): Promise<void>;
}

/** `args`: more `dwpush serve` flags. */
export async function startDemoStack(args: string[] = []): Promise<DemoStack> {
  const push = await startMockPushService();
  const [server, browser] = await Promise.all([startDemoServer({ allowPushOrigin: push.origin, args }), launchBrowser()]);
  return {
    push, server, browser,
    async close() {
      await browser.close();
      await server.close();
      await push.close();
    },
  };
}

/** A fresh incognito context allowed to notify, whose `pushManager.subscribe` resolves to `mine`, and a page in it (not yet navigated). */
export async function openDemoContext(stack: DemoStack, mine: MockSubscription): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext();
  await context.grantPermissions(['notifications'], { origin: stack.server.url });
  await context.addInitScript(stubPushManager(mine.subscription));
  return { context, page: await context.newPage() };
}
