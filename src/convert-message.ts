import type { ConversionNote } from './conversion-note.js';
import type { ExplainerMessageJSON, StandardMessageJSON } from './declarative-message.js';
import { explainerToStandard } from './explainer-to-standard.js';
import { fcmToStandard, type HeaderOptions } from './fcm-to-standard.js';
import { has, isMap, type JsonMap } from './json-value.js';
import { legacyToStandard, type MemberMap } from './legacy-to-standard.js';
import { STANDARD_NOTIFICATION_NAMES } from './notification-members.js';
import { detectFormat } from './parse-push-payload.js';
import { toPortableMessage } from './to-portable-message.js';

export type { ConversionNote } from './conversion-note.js';
export type { HeaderOptions } from './fcm-to-standard.js';
export type { MemberMap } from './legacy-to-standard.js';

export type ConvertFrom = 'auto' | 'explainer' | 'fcm' | 'legacy';

export interface ConvertOptions {
  /** The input's shape; default 'auto' (spec-notes.md#converting-messages). */
  from?: ConvertFrom;
  /** For `legacy`: declarative notification member -> dot path in the input. */
  map?: MemberMap;
}

export interface ConvertResult {
  /** What the input was read as. */
  from: 'standard' | 'explainer' | 'fcm' | 'legacy';
  /** The declarative message in its portable form, best effort: lint it (it may lack `navigate`). */
  message: StandardMessageJSON;
  /** RFC 8030 options the input set per message (FCM's `webpush.headers`), for the sender. */
  sendOptions: HeaderOptions;
  notes: ConversionNote[];
}

/** FCM HTTP v1 members no other shape has at its top level. */
const FCM_MARKERS = ['webpush', 'fcm_options', 'android', 'apns', 'token', 'condition'];

/**
 * Converts a push payload someone already sends to a declarative message: the 2023 explainer's
 * shape, a Firebase Cloud Messaging HTTP v1 message, or a site's own shape with a member map.
 * `auto` reads a `web_push` member as the standard (passed through), `default_action_url` as the
 * explainer, `message` or an FCM member as FCM, anything else as legacy. Never throws on a JSON
 * object; the result is in the portable form, to be linted.
 */
export function convertMessage(input: JsonMap, options: ConvertOptions = {}): ConvertResult {
  const from = options.from === undefined || options.from === 'auto' ? detectSource(input, options.map) : options.from;
  if (from === 'fcm') {
    const { message, sendOptions, notes } = fcmToStandard(input);
    return { from, message: toPortableMessage(inReadingOrder(message)), sendOptions, notes };
  }
  if (from === 'legacy') {
    const { message, notes } = legacyToStandard(input, options.map ?? {});
    return { from, message: toPortableMessage(inReadingOrder(message)), sendOptions: {}, notes };
  }
  const message = from === 'explainer' ? explainerToStandard(input as ExplainerMessageJSON) : (input as StandardMessageJSON);
  return { from, message: toPortableMessage(message), sendOptions: {}, notes: [] };
}

function detectSource(input: JsonMap, map: MemberMap | undefined): ConvertResult['from'] {
  if (map !== undefined) return 'legacy';
  const format = detectFormat(input);
  if (format !== null) return format;
  return (isMap(input.message) && !has(input, 'notification')) || FCM_MARKERS.some((name) => has(input, name)) ? 'fcm' : 'legacy';
}

/** The notification's members in the standard's order (title and navigate first), for a reader. */
function inReadingOrder(message: StandardMessageJSON): StandardMessageJSON {
  const rank = (name: string) => {
    const index = STANDARD_NOTIFICATION_NAMES.indexOf(name);
    return index === -1 ? Infinity : index;
  };
  const entries = Object.entries(message.notification).sort(([a], [b]) => rank(a) - rank(b));
  return { ...message, notification: Object.fromEntries(entries) as StandardMessageJSON['notification'] };
}
