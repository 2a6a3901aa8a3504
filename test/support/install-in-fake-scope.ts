import { afterEach } from 'vitest';
import { installDeclarativePush, type DeclarativePushOptions } from '../../polyfill/install-declarative-push.js';
import { useFakeScope, type FakeScopeOptions, type FakeServiceWorkerScope } from './fake-service-worker-scope.js';

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/**
 * A fake service worker whose first line installs the polyfill, then adds the site's own listeners
 * (as `importScripts` then the site's code would). `site` records what the site's listeners saw.
 */
export function installInFakeScope(scopeOptions: FakeScopeOptions = {}, options?: DeclarativePushOptions | null) {
  const fake = useFakeScope(scopeOptions);
  restore = fake.restore;
  installDeclarativePush(options);
  const scope: FakeServiceWorkerScope = fake.scope;
  const site = { pushes: [] as Event[], clicks: [] as Event[], closes: [] as Event[] };
  scope.addEventListener('push', (event) => site.pushes.push(event));
  scope.addEventListener('notificationclick', (event) => site.clicks.push(event));
  scope.addEventListener('notificationclose', (event) => site.closes.push(event));
  return { scope, site };
}

export const declarative = (notification: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  web_push: 8030,
  notification: { title: 'Hello', navigate: 'https://site.example/inbox', ...notification },
  ...extra,
});
