import { carryNavigation, takeNavigation, type NavigableOptions } from './notification-navigation.js';

declare let self: ServiceWorkerGlobalScope;

type Badging = { setAppBadge?: (contents?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
type Show = (title: string, options?: NavigableOptions) => Promise<void>;

/** What the site did while a mutable message's transform window was open. */
export interface TransformWindow {
  /** Every `showNotification` the site called: one that fulfils is a replacement. */
  shows: Promise<void>[];
  /** The site called `setAppBadge` or `clearAppBadge`: its badge wins over `app_badge`. */
  badged: boolean;
}

const windows = new Set<TransformWindow>();

/** The browser's own functions, for the polyfill's calls, which no window must count. */
export const originals: { showNotification: Show; setAppBadge?: (contents?: number) => Promise<void> } = {
  showNotification: () => Promise.resolve(),
};

/**
 * Wraps the site-facing `showNotification`, `getNotifications`, `setAppBadge` and `clearAppBadge`
 * once, at install: the mutable transform needs to know what the site did during its window
 * (spec-notes.md#service-worker-polyfill), a replacement's `navigate` must travel in `data` like
 * ours, and the site must get its own `data` back from `getNotifications()`.
 */
export function wrapSiteCalls(): void {
  const registration = self.registration;
  const show = registration.showNotification;
  const list = registration.getNotifications;
  originals.showNotification = (title, options) => show.call(registration, title, carryNavigation(options));
  registration.showNotification = (title: string, options?: NotificationOptions) => {
    const shown = originals.showNotification(title, options);
    windows.forEach((window) => window.shows.push(shown));
    return shown;
  };
  registration.getNotifications = async (filter?: GetNotificationOptions) => {
    const notifications = await list.call(registration, filter);
    notifications.forEach(takeNavigation);
    return notifications;
  };

  const navigator = self.navigator as WorkerNavigator & Badging;
  if (navigator.setAppBadge) originals.setAppBadge = navigator.setAppBadge.bind(navigator);
  for (const name of ['setAppBadge', 'clearAppBadge'] as const) {
    const badging = navigator[name] as ((...args: unknown[]) => Promise<void>) | undefined;
    if (!badging) continue;
    navigator[name] = (...args: unknown[]) => {
      windows.forEach((window) => (window.badged = true));
      return badging.apply(navigator, args);
    };
  }
}

export function openTransformWindow(): TransformWindow {
  const window: TransformWindow = { shows: [], badged: false };
  windows.add(window);
  return window;
}

export function closeTransformWindow(window: TransformWindow): void {
  windows.delete(window);
}
