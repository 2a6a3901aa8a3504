import { WEB_PUSH_MAGIC } from './constants.js';
import { decodePayload } from './decode-payload.js';
import type { DeclarativeAction, DeclarativeMessage, DeclarativeNotificationOptions } from './declarative-message.js';
import { finding, pointer, type Finding } from './finding.js';
import { get, has, isMap, isString, isU64, jsonType } from './json-value.js';
import { NOTIFICATION_MEMBERS } from './notification-members.js';
import { parseURL } from './parse-url.js';

export interface ParseOptions {
  /** The subscription's scope: relative URLs resolve against it (Push API, receive a push message step 3.1). */
  baseURL: string | URL;
  /** The user agent's maximum number of actions; excess actions are skipped before their URLs are parsed. */
  maxActions?: number;
}

export type ParseResult =
  | { declarative: true; message: DeclarativeMessage }
  | { declarative: false; findings: Finding[] };

/**
 * The Push API's "declarative push message parser", step by step, with the Notifications
 * standard's "create a notification" checks. A payload that fails is not declarative (the browser
 * hands it to the ordinary push event): the findings say why. Never throws.
 */
export function parseDeclarativePushMessage(
  input: string | ArrayBuffer | ArrayBufferView,
  options: ParseOptions,
): ParseResult {
  const decoded = decodePayload(input); // step 1
  return decoded.ok ? readDeclarativePushMessage(decoded.value, options) : notDeclarative([decoded.finding]);
}

/** Steps 2-31, on a JSON value already parsed. */
export function readDeclarativePushMessage(message: unknown, { baseURL, maxActions = Infinity }: ParseOptions): ParseResult {
  if (!isMap(message)) return notDeclarative([finding('not-an-object', 'error', '', { type: jsonType(message) })]); // 2
  if (!has(message, 'web_push')) return notDeclarative([finding('web-push-missing', 'error', '/web_push')]); // 3
  if (message.web_push !== WEB_PUSH_MAGIC) {
    return notDeclarative([finding('web-push-not-8030', 'error', '/web_push', { value: message.web_push })]);
  }
  if (!has(message, 'notification')) return notDeclarative([finding('notification-missing', 'error', '/notification')]); // 4
  const input = message.notification; // 5
  if (!isMap(input)) {
    return notDeclarative([finding('notification-not-an-object', 'error', '/notification', { type: jsonType(input) })]); // 6
  }

  const failures: Finding[] = [];
  const title = requireString(input, 'title', failures); // 7
  const navigate = requireString(input, 'navigate', failures); // 8
  if (title === undefined || navigate === undefined) return notDeclarative(failures);

  // Steps 10-24: copy each optional member that has the right type; ignore the rest. The strings
  // the steps convert to USVString are all URLs, which step 26 replaces by their parsed href
  // (parse-url.ts says where the conversion happens).
  const options: DeclarativeNotificationOptions = { navigate };
  const copied = options as unknown as Record<string, unknown>;
  for (const name in NOTIFICATION_MEMBERS) {
    const value = get(input, name);
    const rule = NOTIFICATION_MEMBERS[name]!;
    if (value !== undefined && rule.accepts(value)) copied[name] = value;
  }
  if (has(input, 'data')) options.data = input.data; // 24: a JSON value is already JSON-compatible

  // Step 25: actions missing a string action, title or navigate are skipped. Non-map entries are
  // skipped too (spec-notes.md#decisions, non-map actions).
  const actionIndexes: number[] = [];
  if (Array.isArray(input.actions)) {
    const actions: DeclarativeAction[] = [];
    input.actions.forEach((entry: unknown, index: number) => {
      if (!isMap(entry)) return;
      const { action, title: actionTitle, navigate: actionNavigate, icon } = entry;
      if (!isString(action) || !isString(actionTitle) || !isString(actionNavigate)) return;
      const built: DeclarativeAction = { action, title: actionTitle, navigate: actionNavigate };
      if (isString(icon)) built.icon = icon;
      actions.push(built);
      actionIndexes.push(index);
    });
    options.actions = actions;
  }

  // Step 26, "create a notification": the two TypeErrors, URL parsing, the action limit.
  if (options.silent === true && options.vibrate !== undefined) {
    failures.push(finding('silent-with-vibrate', 'error', '/notification/vibrate'));
  }
  if (options.renotify === true && (options.tag ?? '') === '') {
    failures.push(finding('renotify-without-tag', 'error', '/notification/renotify'));
  }
  const resolved = parseURL(options.navigate, baseURL);
  if (resolved === null) {
    failures.push(finding('url-unparsable', 'error', '/notification/navigate', { value: navigate })); // 27
  } else {
    options.navigate = resolved.href;
  }
  for (const name of ['image', 'icon', 'badge'] as const) {
    const value = options[name];
    if (value !== undefined) setOrDelete(options, name, parseURL(value, baseURL));
  }
  if (options.actions) {
    options.actions = options.actions.slice(0, Math.max(0, maxActions));
    options.actions.forEach((action, i) => {
      const url = parseURL(action.navigate, baseURL);
      const path = pointer(`/notification/actions/${actionIndexes[i]}`, 'navigate');
      if (url === null) failures.push(finding('url-unparsable', 'error', path, { value: action.navigate })); // 28
      else action.navigate = url.href;
      if (action.icon !== undefined) setOrDelete(action, 'icon', parseURL(action.icon, baseURL));
    });
  }
  if (failures.length > 0) return notDeclarative(failures);

  const mutable = message.mutable === true; // 29-30
  // app_badge is not in the Push API yet; w3c/push-api PR #402 reads a top-level 64-bit unsigned
  // integer and ignores anything else (spec-notes.md#app-badge).
  const badge = get(message, 'app_badge');
  const app_badge = isU64(badge) ? badge : null;
  return { declarative: true, message: { format: 'standard', notification: { title, options }, mutable, app_badge } };
}

function requireString(input: Record<string, unknown>, name: 'title' | 'navigate', failures: Finding[]): string | undefined {
  const path = `/notification/${name}`;
  if (!has(input, name)) failures.push(finding(`${name}-missing`, 'error', path));
  else if (!isString(input[name])) failures.push(finding(`${name}-not-a-string`, 'error', path, { type: jsonType(input[name]) }));
  else return input[name] as string;
  return undefined;
}

function setOrDelete<T extends object, K extends keyof T>(target: T, key: K, url: URL | null): void {
  if (url === null) delete target[key];
  else (target as Record<K, unknown>)[key] = url.href;
}

export function notDeclarative(findings: Finding[]): ParseResult {
  return { declarative: false, findings };
}
