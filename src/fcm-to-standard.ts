import { WEB_PUSH_MAGIC } from './constants.js';
import { note, type ConversionNote } from './conversion-note.js';
import type { StandardMessageJSON } from './declarative-message.js';
import { get, has, isMap, isString, type JsonMap } from './json-value.js';
import { STANDARD_NOTIFICATION_NAMES } from './notification-members.js';

/** RFC 8030 headers a push request carries; `webpush.headers` sets them per message in FCM. */
export interface HeaderOptions {
  ttl?: number;
  urgency?: string;
  topic?: string;
}

/** Top-level members of an FCM HTTP v1 `Message` that have no place in a Web Push message, and why. */
const NOT_WEB: Readonly<Record<string, string>> = {
  token: 'FCM targeting: a declarative message is sent to the subscriptions you choose',
  topic: 'FCM targeting: a declarative message is sent to the subscriptions you choose (a channel in dwpush)',
  condition: 'FCM targeting: a declarative message is sent to the subscriptions you choose',
  name: 'an FCM message id, assigned by FCM',
  android: 'Android only',
  apns: 'Apple platforms through APNs only; Safari reads the declarative message itself',
  fcm_options: 'FCM analytics only',
};

/**
 * Converts a Firebase Cloud Messaging HTTP v1 message (`{"message": {...}}` or the inner object)
 * to the standard shape (spec-notes.md#converting-messages): `webpush.notification` is the
 * Notification API's options, so its members map by name; `webpush.fcm_options.link` (else the
 * legacy `click_action`) becomes `navigate`; the top-level `notification` fills a missing title,
 * body or image; `data` and `webpush.data` become `notification.data`; `webpush.headers` TTL,
 * Urgency and Topic become send options. Everything else is dropped with a note.
 */
export function fcmToStandard(input: JsonMap): { message: StandardMessageJSON; sendOptions: HeaderOptions; notes: ConversionNote[] } {
  const notes: ConversionNote[] = [];
  const wrapped = isMap(get(input, 'message'));
  const fcm = wrapped ? (input.message as JsonMap) : input;
  const at = (path: string) => (wrapped ? `message.${path}` : path);
  const webpush = mapOr(get(fcm, 'webpush'));
  const shown = mapOr(get(webpush, 'notification'));
  const fallback = mapOr(get(fcm, 'notification'));
  const notification: JsonMap = {};

  for (const [name, value] of Object.entries(shown)) {
    if (STANDARD_NOTIFICATION_NAMES.includes(name) && name !== 'navigate') notification[name] = value;
    else if (name !== 'click_action') notes.push(note('dropped', at(`webpush.notification.${name}`), 'not a Notification API member a declarative message carries'));
  }
  for (const [name, value] of Object.entries(fallback)) {
    if (['title', 'body', 'image'].includes(name)) {
      if (!has(notification, name)) notification[name] = value;
    } else notes.push(note('dropped', at(`notification.${name}`), 'not one of the cross-platform members (title, body, image)'));
  }

  const options = mapOr(get(webpush, 'fcm_options'));
  const link = get(options, 'link') ?? get(shown, 'click_action');
  if (isString(link)) notification.navigate = link;
  else notes.push(note('navigate-missing', at('webpush.fcm_options.link'), 'no link: a declarative message needs `navigate`, the URL a click opens. Add "webpush": {"fcm_options": {"link": "https://..."}}'));
  if (has(options, 'analytics_label')) notes.push(note('dropped', at('webpush.fcm_options.analytics_label'), 'FCM analytics only'));

  const data = { ...mapOr(get(fcm, 'data')), ...mapOr(get(webpush, 'data')) };
  if (Object.keys(data).length > 0) notification.data = has(notification, 'data') && isMap(notification.data) ? { ...data, ...notification.data } : data;

  if (Array.isArray(notification.actions)) {
    notification.actions = notification.actions.map((action: unknown, index) => {
      if (!isMap(action) || has(action, 'navigate') || !isString(link)) return action;
      notes.push(note('action-navigate-added', at(`webpush.notification.actions.${index}`), 'an FCM action has no URL (the service worker handled its click); a declarative action needs one: it opens the link'));
      return { ...action, navigate: link };
    });
  }

  const sendOptions = readHeaders(mapOr(get(webpush, 'headers')), at('webpush.headers'), notes);
  for (const name of Object.keys(fcm)) {
    if (Object.prototype.hasOwnProperty.call(NOT_WEB, name)) notes.push(note('dropped', at(name), NOT_WEB[name]!));
  }
  return { message: { web_push: WEB_PUSH_MAGIC, notification: notification as StandardMessageJSON['notification'] }, sendOptions, notes };
}

function readHeaders(headers: JsonMap, path: string, notes: ConversionNote[]): HeaderOptions {
  const options: HeaderOptions = {};
  for (const [name, value] of Object.entries(headers)) {
    const header = name.toLowerCase();
    const text = String(value);
    if (header === 'ttl' && /^\d+$/.test(text)) options.ttl = Number(text);
    else if (header === 'urgency') options.urgency = text;
    else if (header === 'topic') options.topic = text;
    else {
      notes.push(note('dropped', `${path}.${name}`, 'a header dwpush does not set per message'));
      continue;
    }
    notes.push(note('send-option', `${path}.${name}`, `a send option, not part of the message: dwpush send --${header} ${text}`));
  }
  return options;
}

const mapOr = (value: unknown): JsonMap => (isMap(value) ? value : {});
