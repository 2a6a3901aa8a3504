import { describe, expect, it } from 'vitest';
import { installDeclarativePush } from '../../polyfill/install-declarative-push.js';
import { declarative, installInFakeScope } from '../support/install-in-fake-scope.js';

describe('installDeclarativePush', () => {
  it('installs once: a second call (module import plus importScripts) does not show twice', async () => {
    const { scope } = installInFakeScope();
    installDeclarativePush();
    await scope.push(declarative({}));
    expect(scope.shown).toHaveLength(1);
  });

  it('keeps the site\'s legacy push handler from showing a declarative message a second time', async () => {
    const { scope } = installInFakeScope();
    scope.addEventListener('push', (event) => {
      const push = event as Event & { data: { json(): { title: string } }; waitUntil(p: unknown): void };
      push.waitUntil(scope.registration.showNotification(push.data.json().title));
    });
    await scope.push(declarative({}));
    await scope.push({ title: 'Legacy' });
    expect(scope.shown.map((s) => s.title)).toEqual(['Hello', 'Legacy']);
    expect(scope.reportedErrors).toEqual([]);
  });

  it('installs with options set to null (a classic script\'s self.declarativePushOptions may be anything)', async () => {
    const { scope } = installInFakeScope({}, null);
    await scope.push(declarative({}));
    expect(scope.shown.map((s) => s.title)).toEqual(['Hello']);
  });
});
