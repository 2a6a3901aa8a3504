import { takeNavigation } from './notification-navigation.js';
import { openNotificationURL } from './open-notification-url.js';
import type { ResolvedOptions } from './options.js';

/**
 * The polyfill's `notificationclick` listener, registered before the site's: a click on a
 * notification that carries a URL for it (the body's, or the action's) goes there and the site's
 * click handlers do not run, as with a browser's own `navigate`. An action without a URL, or a
 * notification without any, falls through to the site, which sees its own `data`. Never throws.
 */
export function handleNotificationClick(event: NotificationEvent, options: ResolvedOptions): void {
  try {
    const navigation = takeNavigation(event.notification);
    const url = navigation && (event.action ? navigation.actions[event.action] : navigation.navigate);
    if (typeof url !== 'string') return;
    event.stopImmediatePropagation();
    event.notification.close();
    event.waitUntil(openNotificationURL(url, options.navigateExistingWindow));
  } catch {
    // Leave the click to the site.
  }
}
