import { describe, expect, it } from 'vitest';
import { declarative, installInFakeScope } from '../support/install-in-fake-scope.js';

describe('push: which messages the polyfill takes', () => {
  it('shows a declarative message with every option and keeps it from the site', async () => {
    const { scope, site } = installInFakeScope();
    const message = declarative({
      body: 'Did you hear?', tag: 't1', lang: 'en', dir: 'ltr', icon: 'icon.png', requireInteraction: true,
      data: { id: 7 },
      actions: [
        { action: 'open', title: 'Open', navigate: 'open' },
        { action: 'later', title: 'Later', navigate: 'https://site.example/later' },
        { action: 'third', title: 'Third', navigate: '/third' },
      ],
    });
    const { results } = await scope.push(message);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(site.pushes).toHaveLength(0);
    expect(scope.shown).toHaveLength(1);
    const [{ title, options }] = scope.shown as [(typeof scope.shown)[0]];
    expect(title).toBe('Hello');
    expect(options).toMatchObject({ body: 'Did you hear?', tag: 't1', lang: 'en', dir: 'ltr', requireInteraction: true });
    // Relative URLs resolve against the registration's scope; Notification.maxActions (2) caps actions.
    expect(options.icon).toBe('https://site.example/app/icon.png');
    expect(options.actions).toEqual([{ action: 'open', title: 'Open' }, { action: 'later', title: 'Later' }]);
    // The site sees its own data through getNotifications.
    const [notification] = await scope.registration.getNotifications();
    expect(notification!.data).toEqual({ id: 7 });
    expect(notification!.tag).toBe('t1');
    // The browser dropped navigate (no Notification.navigate): the URLs still lead where they say.
    await scope.click(scope.displayed[0]!, 'open');
    expect(scope.windowLog).toEqual(['open https://site.example/app/open']);
  });

  it.each([
    ['a legacy JSON payload', { title: 'Legacy', body: 'x' }],
    ['plain text', 'ping'],
    ['web_push other than 8030', { web_push: 9001, notification: { title: 'a', navigate: '/' } }],
    ['a declarative message without navigate', { web_push: 8030, notification: { title: 'a' } }],
    ['an explainer payload (explainer off)', { title: 'a', default_action_url: 'https://site.example/' }],
    ['no payload at all', null],
  ])('leaves %s to the site, untouched', async (_, payload) => {
    const { scope, site } = installInFakeScope();
    await scope.push(payload as object);
    expect(site.pushes).toHaveLength(1);
    const event = site.pushes[0] as Event & { data: { text(): string } | null };
    expect(event.data === null ? null : event.data.text()).toBe(
      payload === null ? null : typeof payload === 'string' ? payload : JSON.stringify(payload),
    );
    expect(scope.shown).toHaveLength(0);
  });

  it('does nothing when the browser already set event.notification (native declarative push)', async () => {
    const { scope, site } = installInFakeScope();
    const { FakePushEvent } = await import('../support/fake-service-worker-scope.js');
    class NativePushEvent extends FakePushEvent {
      override readonly notification = { title: 'Native' } as never;
    }
    const event = new NativePushEvent(null);
    // Dispatch the way the fake scope does for trusted events.
    (scope as unknown as { fire(e: Event): Promise<unknown> }).fire(event);
    await event.settled();
    expect(site.pushes).toEqual([event]);
    expect(scope.shown).toHaveLength(0);
  });

  it('shows explainer payloads only when installed with { explainer: true }', async () => {
    const { scope, site } = installInFakeScope({}, { explainer: true });
    await scope.push({
      title: 'Old shape', default_action_url: 'https://site.example/a',
      options: { body: 'b', actions: [{ action: 'x', title: 'X', url: 'https://site.example/x' }] },
      app_badge: '3',
    });
    expect(site.pushes).toHaveLength(0);
    expect(scope.shown.map((s) => [s.title, s.options.body])).toEqual([['Old shape', 'b']]);
    expect(scope.badgeCalls).toEqual([['set', 3]]);
  });

  it('never throws and ends the event cleanly when showNotification is refused', async () => {
    const { scope, site } = installInFakeScope({ permission: 'denied' });
    const { results } = await scope.push(declarative({}));
    expect(results.map((r) => r.status)).toEqual(['fulfilled']);
    expect(scope.reportedErrors).toEqual([]);
    expect(site.pushes).toHaveLength(0);
  });

  it('never calls getNotifications while its own showNotification is in flight', async () => {
    const { scope } = installInFakeScope({ showDelayMs: 5 });
    await Promise.all([scope.push(declarative({ tag: 'a' })), scope.push(declarative({ tag: 'b', mutable: true }, { mutable: true }))]);
    expect(scope.shown).toHaveLength(2);
    expect(scope.getNotificationsWhileShowing).toBe(0);
  });
});

describe('push: app badge', () => {
  it.each([
    [5, [['set', 5]]],
    [0, [['set', 0]]], // setAppBadge(0) clears (Badging API)
    [2 ** 53 - 1, [['set', 2 ** 53 - 1]]],
    [2 ** 53, []], // over [EnforceRange]'s limit: skipped
  ])('app_badge %d -> %j', async (badge, calls) => {
    const { scope } = installInFakeScope();
    await scope.push(declarative({}, { app_badge: badge }));
    expect(scope.badgeCalls).toEqual(calls);
    expect(scope.shown).toHaveLength(1);
  });

  it('skips the badge where the Badging API is missing, and still shows the notification', async () => {
    const { scope } = installInFakeScope({ badging: false });
    await scope.push(declarative({}, { app_badge: 4 }));
    expect(scope.shown).toHaveLength(1);
    expect(scope.badgeCalls).toEqual([]);
  });

  it('leaves the badge alone when the message has no app_badge', async () => {
    const { scope } = installInFakeScope();
    await scope.push(declarative({}));
    expect(scope.badgeCalls).toEqual([]);
  });
});
