import { CHROMIUM_MAX_ACTIONS } from './constants.js';
import { reportUnknownMembers, type Aliases } from './did-you-mean.js';
import { pointer } from './finding.js';
import { get, has, isBoolean, isMap, isString, jsonType, type JsonMap } from './json-value.js';
import { lintPortability } from './lint-portability.js';
import { WARNING, type LintReporter, type Severities } from './lint-reporter.js';
import { NOTIFICATION_MEMBERS, STANDARD_ACTION_NAMES, STANDARD_NOTIFICATION_NAMES, STANDARD_TOP_LEVEL_NAMES, wrongTypeRejectedBy } from './notification-members.js';
import { readDeclarativePushMessage } from './parse-declarative-push-message.js';
import { parseURL } from './parse-url.js';

const TOP_LEVEL_ALIASES: Aliases = {
  title: 'notification.title',
  navigate: 'notification.navigate',
  default_action_url: 'notification.navigate',
};
const NOTIFICATION_ALIASES: Aliases = {
  url: 'navigate',
  default_action_url: 'navigate',
  click_action: 'navigate',
};
const ACTION_ALIASES: Aliases = { url: 'navigate' };

export interface StandardLintOptions {
  baseURL: string;
  maxActions: number;
}

/**
 * Lints a message in the current standard's shape. The parser gives the verdict and the errors
 * (so under `spec`, valid means exactly "declarative"); everything else here only warns under
 * `spec`, and `portable` raises what shipping browsers reject.
 */
export function lintStandard(message: unknown, reporter: LintReporter, options: StandardLintOptions): void {
  const result = readDeclarativePushMessage(message, options);
  if (!result.declarative) reporter.add(result.findings);
  if (!isMap(message)) return;

  const notification = get(message, 'notification');
  const inNotification = (name: string) => isMap(notification) && has(notification, name);
  const legacy = reportUnknownMembers(message, '', STANDARD_TOP_LEVEL_NAMES, TOP_LEVEL_ALIASES, (suggestion) =>
    suggestion.startsWith('notification.') ? inNotification(suggestion.slice('notification.'.length)) : has(message, suggestion), reporter);
  // A hybrid payload: the standard ignores other top-level members, so they can carry what a
  // service worker without the polyfill reads (spec-notes.md#hybrid-payloads).
  if (legacy.length > 0 && has(message, 'web_push') && isMap(notification)) reporter.report('legacy-fields', '', ['info', 'info'], { members: legacy });
  const mutable = get(message, 'mutable');
  if (mutable !== undefined && !isBoolean(mutable)) {
    reporter.report('member-wrong-type', '/mutable', ['warning', 'error'], { member: 'mutable', expected: 'boolean', type: jsonType(mutable) });
  }
  if (isMap(notification)) lintNotification(notification, reporter, options);
  lintPortability(message, reporter, options.baseURL);
}

function lintNotification(notification: JsonMap, reporter: LintReporter, { baseURL, maxActions }: StandardLintOptions): void {
  for (const name in NOTIFICATION_MEMBERS) {
    const value = get(notification, name);
    if (value === undefined) continue;
    const rule = NOTIFICATION_MEMBERS[name]!;
    const path = pointer('/notification', name);
    const rejectedBySafari = wrongTypeRejectedBy(path, name) === 'safari';
    if (!rule.accepts(value)) {
      if (name === 'dir') reporter.report('dir-invalid', path, ['warning', 'error'], { value });
      else reporter.report('member-wrong-type', path, ['warning', rejectedBySafari ? 'error' : 'warning'], { member: name, expected: rule.expected, type: jsonType(value) });
    } else if (rule.url && parseURL(value as string, baseURL) === null) {
      reporter.report('url-unparsable', path, ['warning', rejectedBySafari ? 'error' : 'warning'], { value });
    }
  }
  reportUnknownMembers(notification, '/notification', [...STANDARD_NOTIFICATION_NAMES, 'mutable', 'app_badge'], NOTIFICATION_ALIASES,
    (suggestion) => has(notification, suggestion), reporter);

  const actions = get(notification, 'actions');
  if (actions === undefined) return;
  if (!Array.isArray(actions)) {
    reporter.report('actions-not-a-list', '/notification/actions', WARNING, { type: jsonType(actions) });
    return;
  }
  const kept: number[] = [];
  actions.forEach((entry: unknown, index: number) => {
    if (lintAction(entry, `/notification/actions/${index}`, reporter, baseURL)) kept.push(index);
  });
  // The standard skips excess actions before parsing their URLs (spec-notes.md#excess-actions).
  const reportOverLimit = (limit: number, severities: Severities) => {
    if (kept.length > limit) {
      reporter.report('actions-over-limit', `/notification/actions/${kept[limit]}`, severities, { count: kept.length, limit });
    }
  };
  if (reporter.profile === 'spec' && Number.isFinite(maxActions)) reportOverLimit(maxActions, ['info', null]);
  if (reporter.profile === 'portable') reportOverLimit(Math.min(CHROMIUM_MAX_ACTIONS, maxActions), [null, 'warning']);
}

/** One entry of `actions`; true when the parser keeps it (a map with string action, title and navigate). */
function lintAction(entry: unknown, path: string, reporter: LintReporter, baseURL: string): boolean {
  if (!isMap(entry)) {
    reporter.report('action-not-an-object', path, WARNING, { type: jsonType(entry) });
    return false;
  }
  reportUnknownMembers(entry, path, STANDARD_ACTION_NAMES, ACTION_ALIASES, (suggestion) => has(entry, suggestion), reporter);
  const missing = (['action', 'title', 'navigate'] as const).filter((name) => !isString(get(entry, name)));
  if (missing.length > 0) {
    reporter.report('action-skipped', path, WARNING, { missing });
    return false;
  }
  const icon = get(entry, 'icon');
  if (icon !== undefined && !isString(icon)) {
    reporter.report('member-wrong-type', pointer(path, 'icon'), WARNING, { member: 'icon', expected: 'string', type: jsonType(icon) });
  } else if (isString(icon) && parseURL(icon, baseURL) === null) {
    reporter.report('url-unparsable', pointer(path, 'icon'), WARNING, { value: icon });
  }
  return true;
}
