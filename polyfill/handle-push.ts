import type { ParseResult } from '../src/parse-declarative-push-message.js';
import type { PayloadOptions } from '../src/parse-push-payload.js';
import { applyAppBadge } from './apply-app-badge.js';
import { mutableTransform } from './mutable-transform.js';
import type { ResolvedOptions } from './options.js';
import { showOriginal } from './show-original.js';

declare let self: ServiceWorkerGlobalScope;

/** `parsePushPayload`, or `parseDeclarativePushMessage` where the explainer parser is left out. */
export type PayloadParser = (input: ArrayBuffer, options: PayloadOptions) => ParseResult;

/**
 * The polyfill's `push` listener, registered before the site's (spec-notes.md#service-worker-polyfill):
 * a declarative message is shown here and kept from the site's listeners; anything else is left
 * to them untouched. Never throws.
 */
export function handlePush(event: PushEvent, options: ResolvedOptions, parse: PayloadParser): void {
  try {
    // Native support (the browser owns the notification), or our own hook event for the site.
    if ((event as PushEvent & { notification?: unknown }).notification) return;
    if (!event.data) return;
    const result = parse(event.data.arrayBuffer(), {
      baseURL: self.registration.scope,
      maxActions: (globalThis as { Notification?: { maxActions?: number } }).Notification?.maxActions,
      explainer: options.explainer,
    });
    if (!result.declarative) return;
    const { message } = result;
    const shown = message.mutable
      ? mutableTransform(message, options)
      : Promise.all([showOriginal(message.notification), applyAppBadge(message.app_badge)]);
    event.stopImmediatePropagation(); // the site's legacy handlers would show it a second time
    event.waitUntil(shown);
  } catch {
    // Leave the event to the site: a legacy message is never swallowed.
  }
}
