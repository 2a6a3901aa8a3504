import { parsePushPayload } from '../src/parse-push-payload.js';
import { installPolyfill } from './install-polyfill.js';
import type { DeclarativePushOptions } from './options.js';

export type { DeclarativePushOptions } from './options.js';

/**
 * Makes a service worker show declarative push messages the way the Push API says a browser
 * does, and 2023 explainer payloads with `explainer: true`. Call it before the site adds its own
 * `push` and `notificationclick` listeners: the first listener decides whether the site's run
 * (spec-notes.md#service-worker-polyfill). A second call does nothing.
 */
export function installDeclarativePush(options?: DeclarativePushOptions | null): void {
  installPolyfill(parsePushPayload, options);
}
