import { handleNotificationClick } from './handle-notification-click.js';
import { handlePush } from './handle-push.js';
import { takeNavigation } from './notification-navigation.js';
import { resolveOptions, type DeclarativePushOptions } from './options.js';
import { wrapSiteCalls } from './site-calls.js';

export type { DeclarativePushOptions } from './options.js';

declare let self: ServiceWorkerGlobalScope;

const INSTALLED = Symbol.for('declarative-push.installed');

/**
 * Makes a service worker show declarative push messages the way the Push API says a browser
 * does. Call it before the site adds its own `push` and `notificationclick` listeners: the first
 * listener decides whether the site's run (spec-notes.md#service-worker-polyfill). A second call
 * does nothing.
 */
export function installDeclarativePush(options?: DeclarativePushOptions | null): void {
  const scope = self as ServiceWorkerGlobalScope & { [INSTALLED]?: true };
  if (scope[INSTALLED]) return;
  scope[INSTALLED] = true;
  const resolved = resolveOptions(options);
  wrapSiteCalls();
  self.addEventListener('push', (event) => handlePush(event, resolved));
  self.addEventListener('notificationclick', handleNotificationClick);
  self.addEventListener('notificationclose', (event) => {
    try {
      takeNavigation(event.notification); // the site's close handlers see their own data
    } catch {
      // nothing to give back
    }
  });
}
