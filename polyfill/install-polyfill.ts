import { handleNotificationClick } from './handle-notification-click.js';
import { handlePush, type PayloadParser } from './handle-push.js';
import { takeNavigation } from './notification-navigation.js';
import { resolveOptions, type DeclarativePushOptions } from './options.js';
import { wrapSiteCalls } from './site-calls.js';

declare let self: ServiceWorkerGlobalScope;

const INSTALLED = Symbol.for('declarative-push.installed');

/**
 * Adds the polyfill's listeners, reading payloads with `parse`: the entries choose it, so the
 * standard-only classic script leaves the explainer parser out (spec-notes.md#size). A second call
 * does nothing.
 */
export function installPolyfill(parse: PayloadParser, options?: DeclarativePushOptions | null): void {
  const scope = self as ServiceWorkerGlobalScope & { [INSTALLED]?: true };
  if (scope[INSTALLED]) return;
  scope[INSTALLED] = true;
  const resolved = resolveOptions(options);
  wrapSiteCalls();
  self.addEventListener('push', (event) => handlePush(event, resolved, parse));
  self.addEventListener('notificationclick', (event) => handleNotificationClick(event, resolved));
  self.addEventListener('notificationclose', (event) => {
    try {
      takeNavigation(event.notification); // the site's close handlers see their own data
    } catch {
      // nothing to give back
    }
  });
}
