import { describe, expect, it } from 'vitest';
import type { FakeNotificationEvent, FakeServiceWorkerScope } from '../support/fake-service-worker-scope.js';
import { declarative, installInFakeScope } from '../support/install-in-fake-scope.js';

const withActions = declarative({
  tag: 'c', data: { site: 'own' },
  actions: [
    { action: 'reply', title: 'Reply', navigate: 'https://site.example/reply' },
    { action: 'archive', title: 'Archive', navigate: 'https://site.example/archive' },
  ],
});

async function shownOne(scope: FakeServiceWorkerScope, message: object = withActions) {
  await scope.push(message);
  expect(scope.displayed).toHaveLength(1);
  return scope.displayed[0]!;
}

describe('notificationclick on what the polyfill showed', () => {
  it.each([
    ['the body', '', 'https://site.example/inbox'],
    ['the first action', 'reply', 'https://site.example/reply'],
    ['the second action', 'archive', 'https://site.example/archive'],
  ])('a click on %s opens its URL, closes the notification, and the site does not see it', async (_, action, url) => {
    const { scope, site } = installInFakeScope();
    const shown = await shownOne(scope);
    await scope.click(shown, action);
    expect(scope.windowLog).toEqual([`open ${url}`]);
    expect(site.clicks).toHaveLength(0);
    expect(scope.closed).toEqual([shown]);
  });

  it('focuses a window already at the URL instead of opening one', async () => {
    const { scope } = installInFakeScope();
    scope.openWindowOf('https://site.example/elsewhere');
    const there = scope.openWindowOf('https://site.example/inbox');
    await scope.click(await shownOne(scope));
    expect(scope.windowLog).toEqual(['focus https://site.example/inbox']);
    expect(there.focused).toBe(true);
  });

  it('opens a new window rather than navigate one of the site\'s windows: that could discard unsaved work', async () => {
    const { scope } = installInFakeScope();
    const busy = scope.openWindowOf('https://site.example/compose');
    busy.focused = true;
    await scope.click(await shownOne(scope));
    expect(scope.windowLog).toEqual(['open https://site.example/inbox']);
    expect(busy.url).toBe('https://site.example/compose');
  });

  it('with navigateExistingWindow, navigates one of the site\'s windows (the focused one first) before opening a new one', async () => {
    const { scope } = installInFakeScope({}, { navigateExistingWindow: true });
    scope.openWindowOf('https://site.example/a');
    const focused = scope.openWindowOf('https://site.example/b');
    focused.focused = true;
    await scope.click(await shownOne(scope));
    expect(scope.windowLog).toEqual(['navigate https://site.example/b -> https://site.example/inbox', 'focus https://site.example/inbox']);
    expect(scope.windows).toHaveLength(2);
  });

  it('with navigateExistingWindow, opens a new window when the only window is not controlled (navigate refused)', async () => {
    const { scope } = installInFakeScope({}, { navigateExistingWindow: true });
    scope.openWindowOf('https://site.example/uncontrolled', false);
    await scope.click(await shownOne(scope));
    expect(scope.windowLog).toEqual(['open https://site.example/inbox']);
  });
});

describe('notificationclick falls through to the site', () => {
  it('for a notification the site showed itself, with its data untouched', async () => {
    const { scope, site } = installInFakeScope();
    await scope.registration.showNotification('Site', { data: { mine: true } });
    await scope.click(scope.displayed[0]!);
    expect(site.clicks).toHaveLength(1);
    expect((site.clicks[0] as FakeNotificationEvent).notification.data).toEqual({ mine: true });
    expect(scope.windowLog).toEqual([]);
  });

  it('for an action without a navigate URL (a replacement), and the site sees its own data', async () => {
    const { scope, site } = installInFakeScope();
    scope.addEventListener('push', (event) => {
      const hook = event as Event & { notification?: { title: string }; waitUntil(p: unknown): void };
      if (!hook.notification) return;
      hook.waitUntil(
        scope.registration.showNotification('Replacement', {
          navigate: '/replaced', data: { site: 'replacement' },
          actions: [{ action: 'go', title: 'Go', navigate: 'go' }, { action: 'site', title: 'Site handles it' }],
        }),
      );
    });
    await scope.push(declarative({}, { mutable: true }));
    const [shown] = scope.displayed;
    await scope.click(shown!, 'site');
    expect(site.clicks).toHaveLength(1);
    const click = site.clicks[0] as FakeNotificationEvent;
    expect([click.action, click.notification.data]).toEqual(['site', { site: 'replacement' }]);
    expect(scope.windowLog).toEqual([]);
    // The replacement's own URLs (relative ones resolved against the worker's URL) are followed.
    await scope.click(shown!, 'go');
    await scope.click(shown!);
    expect(scope.windowLog).toEqual([
      'open https://site.example/app/go',
      'open https://site.example/replaced',
    ]);
    expect(site.clicks).toHaveLength(1);
  });
});

describe('the site keeps its own data', () => {
  it('in notificationclose events', async () => {
    const { scope, site } = installInFakeScope();
    await scope.close(await shownOne(scope));
    expect((site.closes[0] as FakeNotificationEvent).notification.data).toEqual({ site: 'own' });
  });

  it('as null in getNotifications when the message had no data', async () => {
    const { scope } = installInFakeScope();
    await scope.push(declarative({}));
    const [notification] = await scope.registration.getNotifications();
    expect(notification!.data).toBeNull();
  });
});
