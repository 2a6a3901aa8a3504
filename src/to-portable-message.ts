import { webKitAppBadge } from './app-badge.js';
import { WEB_PUSH_MAGIC } from './constants.js';
import type { ExplainerMessageJSON, StandardMessageJSON } from './declarative-message.js';
import { explainerToStandard } from './explainer-to-standard.js';
import { isMap, isString, type JsonMap } from './json-value.js';
import { detectFormat } from './parse-push-payload.js';
import { parseURL } from './parse-url.js';

export interface PortableOptions {
  /** Resolves relative URLs (the standard resolves them against the subscription scope; Safari needs them absolute). */
  baseURL?: string;
}

const URL_MEMBERS = ['navigate', 'icon', 'image', 'badge'] as const;

/**
 * The form every shipping browser reads (spec-notes.md#push-server, #decisions): the
 * standard shape with `web_push` the integer 8030, absolute URLs, and `mutable` and `app_badge`
 * both at top level (the standard, w3c/push-api PR #402) and inside `notification` (Safari 18.x).
 * Takes a message already checked by the linter (standard, or explainer converted here); returns a
 * new object and leaves the input alone.
 */
export function toPortableMessage(message: StandardMessageJSON | ExplainerMessageJSON, options: PortableOptions = {}): StandardMessageJSON {
  const source = detectFormat(message) === 'explainer'
    ? explainerToStandard(message as ExplainerMessageJSON)
    : (structuredClone(message) as StandardMessageJSON);
  const notification = { ...source.notification } as StandardMessageJSON['notification'];
  const portable: StandardMessageJSON = { ...source, web_push: WEB_PUSH_MAGIC, notification };

  resolveURLs(notification, options.baseURL);
  if (Array.isArray(notification.actions)) {
    notification.actions = notification.actions.map((action: unknown) => {
      if (!isMap(action)) return action;
      const copy = { ...action };
      resolveURLs(copy, options.baseURL);
      return copy;
    });
  }

  const mutable = portable.mutable ?? notification.mutable;
  if (typeof mutable === 'boolean') portable.mutable = notification.mutable = mutable;

  const badge = webKitAppBadge(portable.app_badge ?? notification.app_badge);
  if (badge !== undefined) portable.app_badge = notification.app_badge = badge;
  return portable;
}

function resolveURLs(target: JsonMap, baseURL: string | undefined): void {
  if (baseURL === undefined) return;
  for (const name of URL_MEMBERS) {
    const value = target[name];
    if (!isString(value)) continue;
    const url = parseURL(value, baseURL);
    if (url !== null) target[name] = url.href;
  }
}

