import { parseURL } from '../src/parse-url.js';

declare let self: ServiceWorkerGlobalScope;

/**
 * Browsers without `Notification.navigate` drop the `navigate` members, so the polyfill carries the
 * URLs inside `notification.data` under this one key, beside the site's own data, and gives the
 * site its data back wherever the service worker can see a notification (click, close,
 * `getNotifications()`). Why data and not IndexedDB: spec-notes.md#service-worker-polyfill.
 */
export const NAVIGATION_KEY = '__declarativePush';

export interface Navigation {
  /** The body's URL, or null (a replacement without `navigate`). */
  navigate: string | null;
  /** Action name -> URL, for the actions that have one. */
  actions: Record<string, string>;
  /** The site's own `data`. */
  data: unknown;
}

type ActionInput = { action: string; navigate?: unknown };
export type NavigableOptions = NotificationOptions & { navigate?: unknown; actions?: ActionInput[] };

/** Resolved like `showNotification` does (Notifications standard: against the API base URL; failure -> null). */
const resolve = (value: unknown) => (typeof value === 'string' ? parseURL(value, self.location.href)?.href ?? null : null);

/**
 * The options to pass to `showNotification`: unchanged unless some URL must travel in `data`.
 * `navigate` stays in the options too, so a browser with `Notification.navigate` navigates by
 * itself and never fires the click the envelope is for.
 */
export function carryNavigation(options: NavigableOptions = {}): NotificationOptions {
  const navigate = resolve(options.navigate);
  const actions: Record<string, string> = {};
  let carried = navigate !== null;
  for (const action of options.actions ?? []) {
    const url = resolve(action.navigate);
    if (url !== null) carried = !!(actions[action.action] = url);
  }
  if (!carried) return options;
  const navigation: Navigation = { navigate, actions, data: options.data ?? null };
  return { ...options, data: { [NAVIGATION_KEY]: navigation } };
}

/**
 * The URLs a notification carries, or null when it carries none. Gives the site its own `data`
 * back on this Notification object (an own property shadows the prototype's getter).
 */
export function takeNavigation(notification: Notification): Navigation | null {
  const carried = (notification.data as Record<string, unknown> | null)?.[NAVIGATION_KEY] as Navigation | undefined;
  if (typeof carried !== 'object' || carried === null) return null;
  Object.defineProperty(notification, 'data', { value: carried.data, configurable: true });
  return carried;
}
