import type { DeclarativeMessage } from '../src/declarative-message.js';
import { applyAppBadge } from './apply-app-badge.js';
import { dispatchHookEvent } from './dispatch-hook-event.js';
import type { ResolvedOptions } from './options.js';
import { proposedNotification } from './proposed-notification.js';
import { showOriginal } from './show-original.js';
import { closeTransformWindow, openTransformWindow } from './site-calls.js';

/**
 * A mutable message: the site's handlers may show a replacement within the time budget, through
 * both hooks (the standard's `push` event with `notification` and `data: null`; the 2023
 * explainer's `pushnotification` event). Exactly one notification results: the replacement if
 * one was shown, else the original, whatever the handlers threw or rejected
 * (spec-notes.md#service-worker-polyfill). Never rejects.
 */
export async function mutableTransform(message: DeclarativeMessage, options: ResolvedOptions): Promise<void> {
  const window = openTransformWindow();
  const extended: Promise<unknown>[] = [];
  const notification = proposedNotification(message.notification);
  const appBadge = message.app_badge;
  dispatchHookEvent('push', { notification, appBadge, data: null }, extended);
  dispatchHookEvent('pushnotification', { proposedNotification: notification, proposedAppBadge: appBadge }, extended);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([settleAll(extended), new Promise((done) => (timer = setTimeout(done, options.mutableBudgetMs)))]);
  clearTimeout(timer);
  closeTransformWindow(window);
  // A replacement still in flight when the window closes decides too: showing the original beside it could make two.
  const shows = await Promise.allSettled(window.shows);
  if (!shows.some((show) => show.status === 'fulfilled')) await showOriginal(message.notification);
  if (!window.badged) await applyAppBadge(appBadge);
}

/** Waits until every promise settles, including those added while waiting (ExtendableEvent semantics). */
async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  let seen: number;
  do {
    seen = promises.length;
    await Promise.allSettled(promises);
  } while (promises.length > seen);
}
