import { describe, expect, it } from 'vitest';
import type { FakeServiceWorkerScope } from '../support/fake-service-worker-scope.js';
import { declarative, installInFakeScope } from '../support/install-in-fake-scope.js';

type HookEvent = Event & {
  notification?: Record<string, unknown> & { title: string };
  data?: unknown;
  appBadge?: number | null;
  proposedNotification?: Record<string, unknown>;
  proposedAppBadge?: number | null;
  waitUntil(promise: unknown): void;
};

const mutable = (notification: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  declarative({ tag: 'm', data: { site: 1 }, ...notification }, { mutable: true, ...extra });

/** The site's mutable handler, the standard's way: listens to push, acts on event.notification. */
function onPush(scope: FakeServiceWorkerScope, handler: (event: HookEvent) => void) {
  scope.addEventListener('push', (event) => {
    const hook = event as HookEvent;
    if (hook.notification) handler(hook);
  });
}

const replace = (scope: FakeServiceWorkerScope, title = 'Replacement', options: Record<string, unknown> = { tag: 'm' }) =>
  scope.registration.showNotification(title, options);

const titles = (scope: FakeServiceWorkerScope) => scope.shown.map((s) => s.title);

describe('mutable messages: the hooks', () => {
  it('gives the site a push event with the proposed notification and data null', async () => {
    const { scope } = installInFakeScope();
    const seen: HookEvent[] = [];
    onPush(scope, (event) => seen.push(event));
    await scope.push(mutable({ body: 'b', actions: [{ action: 'a', title: 'A', navigate: '/a' }] }, { app_badge: 2 }));
    expect(seen).toHaveLength(1);
    const [event] = seen as [HookEvent];
    expect(event.data).toBeNull();
    expect(event.appBadge).toBe(2);
    expect(event.notification).toMatchObject({
      title: 'Hello', body: 'b', tag: 'm', navigate: 'https://site.example/inbox', data: { site: 1 },
      actions: [{ action: 'a', title: 'A', navigate: 'https://site.example/a' }],
    });
    expect(titles(scope)).toEqual(['Hello']); // the handler showed nothing: the original
  });

  it('gives the site a pushnotification event (2023 explainer) carrying the notification and badge', async () => {
    const { scope } = installInFakeScope();
    scope.addEventListener('pushnotification', (event) => {
      const hook = event as HookEvent;
      hook.waitUntil(replace(scope, `${(hook.proposedNotification as { title: string }).title}!`));
      expect(hook.proposedAppBadge).toBe(9);
    });
    await scope.push(mutable({}, { app_badge: 9 }));
    expect(titles(scope)).toEqual(['Hello!']);
    expect(scope.reportedErrors).toEqual([]);
  });
});

describe('mutable messages: exactly one notification', () => {
  it('shows the replacement only', async () => {
    const { scope } = installInFakeScope();
    onPush(scope, (event) => event.waitUntil(replace(scope)));
    await scope.push(mutable());
    expect(titles(scope)).toEqual(['Replacement']);
  });

  it('accepts the proposed notification passed straight back as options, and follows its URLs on click', async () => {
    const { scope, site } = installInFakeScope();
    onPush(scope, (event) => event.waitUntil(scope.registration.showNotification('Edited', event.notification)));
    await scope.push(mutable({ body: 'b', actions: [{ action: 'a', title: 'A', navigate: '/a' }] }));
    expect(scope.displayed.map((s) => [s.title, s.options.body, s.options.tag])).toEqual([['Edited', 'b', 'm']]);
    const [notification] = await scope.registration.getNotifications();
    expect(notification!.data).toEqual({ site: 1 });
    await scope.click(scope.displayed[0]!, 'a');
    expect(scope.windowLog).toEqual(['open https://site.example/a']);
    expect(site.clicks).toHaveLength(0);
  });

  it('shows a replacement made after an awaited fetch-like delay (waitUntil extended meanwhile)', async () => {
    const { scope } = installInFakeScope();
    onPush(scope, (event) =>
      event.waitUntil(
        new Promise((r) => setTimeout(r, 10)).then(() => {
          event.waitUntil(new Promise((r) => setTimeout(r, 10)).then(() => replace(scope, 'Late but in budget')));
        }),
      ),
    );
    await scope.push(mutable());
    expect(titles(scope)).toEqual(['Late but in budget']);
  });

  it('counts a replacement shown without waitUntil', async () => {
    const { scope } = installInFakeScope({ showDelayMs: 5 });
    onPush(scope, () => void replace(scope));
    await scope.push(mutable());
    expect(titles(scope)).toEqual(['Replacement']);
  });

  it('shows the original once when the handler throws', async () => {
    const { scope } = installInFakeScope();
    onPush(scope, () => {
      throw new Error('site bug');
    });
    const { results } = await scope.push(mutable());
    expect(titles(scope)).toEqual(['Hello']);
    expect(scope.reportedErrors).toHaveLength(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled']);
  });

  it('keeps the replacement when the handler throws after showing it', async () => {
    const { scope } = installInFakeScope();
    onPush(scope, () => {
      void replace(scope);
      throw new Error('after showing');
    });
    await scope.push(mutable());
    expect(titles(scope)).toEqual(['Replacement']);
  });

  it('shows the original once when the waitUntil promise rejects', async () => {
    const { scope } = installInFakeScope();
    onPush(scope, (event) => event.waitUntil(Promise.reject(new Error('fetch failed'))));
    await scope.push(mutable());
    expect(titles(scope)).toEqual(['Hello']);
  });

  it('keeps only the replacement when it was shown and the promise then rejected (the standard would show both)', async () => {
    const { scope } = installInFakeScope();
    onPush(scope, (event) => event.waitUntil(replace(scope).then(() => Promise.reject(new Error('later')))));
    await scope.push(mutable());
    expect(titles(scope)).toEqual(['Replacement']);
  });

  it('shows the original once when the handler hangs past the budget', async () => {
    const { scope } = installInFakeScope({}, { mutableBudgetMs: 30 });
    onPush(scope, (event) => event.waitUntil(new Promise(() => {})));
    const started = Date.now();
    await scope.push(mutable());
    expect(titles(scope)).toEqual(['Hello']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('shows the original once when the replacement itself is refused', async () => {
    const { scope } = installInFakeScope({ refuseTitles: ['Broken'] });
    onPush(scope, (event) => event.waitUntil(replace(scope, 'Broken')));
    await scope.push(mutable());
    expect(titles(scope)).toEqual(['Hello']);
  });

  it('fires no hook event for a message that is not mutable', async () => {
    const { scope, site } = installInFakeScope();
    await scope.push(declarative({}));
    expect(site.pushes).toHaveLength(0);
    expect(titles(scope)).toEqual(['Hello']);
  });
});

describe('mutable messages: the app badge', () => {
  it('applies app_badge when the handler leaves the badge alone', async () => {
    const { scope } = installInFakeScope();
    onPush(scope, (event) => event.waitUntil(replace(scope)));
    await scope.push(mutable({}, { app_badge: 3 }));
    expect(scope.badgeCalls).toEqual([['set', 3]]);
  });

  it.each([
    ['setAppBadge', (s: FakeServiceWorkerScope) => s.navigator.setAppBadge!(11), [['set', 11]]],
    ['clearAppBadge', (s: FakeServiceWorkerScope) => s.navigator.clearAppBadge!(), [['clear']]],
  ])('lets the handler own the badge (%s wins over app_badge)', async (_, change, calls) => {
    const { scope } = installInFakeScope();
    onPush(scope, (event) => event.waitUntil(change(scope)));
    await scope.push(mutable({}, { app_badge: 3 }));
    expect(scope.badgeCalls).toEqual(calls);
    expect(titles(scope)).toEqual(['Hello']);
  });
});
