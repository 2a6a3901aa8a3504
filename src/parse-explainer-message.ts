import { webKitAppBadge } from './app-badge.js';
import { decodePayload } from './decode-payload.js';
import type { DeclarativeAction, DeclarativeNotificationOptions } from './declarative-message.js';
import { finding, pointer, type Finding } from './finding.js';
import { get, has, isBoolean, isMap, isString, jsonType, type JsonMap } from './json-value.js';
import { NOTIFICATION_MEMBERS } from './notification-members.js';
import { notDeclarative, type ParseResult } from './parse-declarative-push-message.js';
import { parseURL } from './parse-url.js';

/**
 * The 2023 WebKit explainer's format (`title`, `options`, `default_action_url`, actions with `url`)
 * with WebKit's 2023 strictness: a member of the wrong type rejects the whole message, and URLs
 * must be absolute (spec-notes.md#explainer-format). Collects every failure; never throws.
 */
export function parseExplainerMessage(input: string | ArrayBuffer | ArrayBufferView): ParseResult {
  const decoded = decodePayload(input);
  return decoded.ok ? readExplainerMessage(decoded.value) : notDeclarative([decoded.finding]);
}

export function readExplainerMessage(message: unknown): ParseResult {
  if (!isMap(message)) return notDeclarative([finding('not-an-object', 'error', '', { type: jsonType(message) })]);
  const failures: Finding[] = [];
  const fail = (code: Finding['code'], path: string, params: Record<string, unknown> = {}) =>
    failures.push(finding(code, 'error', path, params));

  const title = get(message, 'title');
  if (title === undefined) fail('title-missing', '/title');
  else if (!isString(title)) fail('title-not-a-string', '/title', { type: jsonType(title) });
  else if (title === '') fail('title-empty', '/title');

  const defaultURL = get(message, 'default_action_url');
  if (defaultURL === undefined) fail('default-action-url-missing', '/default_action_url');
  const navigate = absoluteURL(defaultURL, '/default_action_url', 'default-action-url-invalid', fail, 'default-action-url-invalid');

  const options: Partial<DeclarativeNotificationOptions> = {};
  const optionsInput = get(message, 'options');
  if (optionsInput !== undefined && !isMap(optionsInput)) {
    fail('options-not-an-object', '/options', { type: jsonType(optionsInput) });
  } else if (optionsInput !== undefined) {
    readOptions(optionsInput, options, fail);
  }

  const mutable = get(message, 'mutable');
  if (mutable !== undefined && !isBoolean(mutable)) {
    fail('member-wrong-type', '/mutable', { member: 'mutable', expected: 'boolean', type: jsonType(mutable) });
  }
  const badge = get(message, 'app_badge');
  const app_badge = badge === undefined ? null : webKitAppBadge(badge);
  if (app_badge === undefined) fail('app-badge-invalid', '/app_badge', { value: badge });

  if (failures.length > 0 || !isString(title) || navigate === undefined) return notDeclarative(failures);
  return {
    declarative: true,
    message: {
      format: 'explainer',
      notification: { title, options: { ...options, navigate } },
      mutable: mutable === true,
      app_badge: app_badge ?? null,
    },
  };
}

type Fail = (code: Finding['code'], path: string, params?: Record<string, unknown>) => void;

function readOptions(input: JsonMap, options: Partial<DeclarativeNotificationOptions>, fail: Fail): void {
  const out = options as Record<string, unknown>;
  for (const name in NOTIFICATION_MEMBERS) {
    const value = get(input, name);
    if (value === undefined) continue;
    const rule = NOTIFICATION_MEMBERS[name]!;
    const path = pointer('/options', name);
    if (name === 'dir' && !rule.accepts(value)) fail('dir-invalid', path, { value });
    else if (name === 'icon') out.icon = absoluteURL(value, path, 'url-unparsable', fail);
    else if (rule.accepts(value)) out[name] = rule.url ? parseURL(value as string, undefined)?.href : value;
    else if (rule.webkitRejects) fail('member-wrong-type', path, { member: name, expected: rule.expected, type: jsonType(value) });
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  if (has(input, 'data')) out.data = input.data;
  const actions = get(input, 'actions');
  if (actions === undefined) return;
  if (!Array.isArray(actions)) {
    fail('member-wrong-type', '/options/actions', { member: 'actions', expected: 'array', type: jsonType(actions) });
    return;
  }
  options.actions = actions.flatMap((entry: unknown, i: number): DeclarativeAction[] => {
    const path = `/options/actions/${i}`;
    if (!isMap(entry)) {
      fail('action-not-an-object', path, { type: jsonType(entry) });
      return [];
    }
    for (const name of ['action', 'title'] as const) {
      if (!isString(entry[name])) fail('member-wrong-type', pointer(path, name), { member: name, expected: 'string', type: jsonType(entry[name]) });
    }
    if (!has(entry, 'url')) fail('action-url-missing', pointer(path, 'url'));
    const navigate = absoluteURL(get(entry, 'url'), pointer(path, 'url'), 'url-unparsable', fail);
    if (!isString(entry.action) || !isString(entry.title) || navigate === undefined) return [];
    const built: DeclarativeAction = { action: entry.action, title: entry.title, navigate };
    const icon = isString(entry.icon) ? parseURL(entry.icon, undefined) : null;
    if (icon) built.icon = icon.href;
    return [built];
  });
}

/**
 * An absolute URL member. A non-string is `member-wrong-type` (WebKit 2023: "is specified but is not
 * a string"), unless the caller names a code of its own for it.
 */
function absoluteURL(
  value: unknown,
  path: string,
  code: Finding['code'],
  fail: Fail,
  wrongTypeCode: Finding['code'] = 'member-wrong-type',
): string | undefined {
  if (value === undefined) return undefined;
  if (!isString(value)) {
    const member = path.slice(path.lastIndexOf('/') + 1);
    fail(wrongTypeCode, path, { value, member, expected: 'string', type: jsonType(value) });
    return undefined;
  }
  const url = parseURL(value, undefined);
  if (url === null) fail(parseURL(value, 'https://example.com/') ? 'url-relative' : code, path, { value });
  return url?.href;
}
