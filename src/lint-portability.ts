import { isDigitString } from './app-badge.js';
import { SAFARI_INT_MAX } from './constants.js';
import type { Severity } from './finding.js';
import { get, has, isBoolean, isMap, isString, isU64, jsonType, type JsonMap } from './json-value.js';
import type { LintReporter } from './lint-reporter.js';
import { parseURL } from './parse-url.js';

/**
 * Where the standard and shipping browsers disagree about a standard message: Safari 18.x's
 * stricter parser, its older member locations, Chromium's action limit, and URLs no browser
 * should navigate to (spec-notes.md#decisions). Mostly `portable`-only; the app badge also warns
 * under `spec`, since the standard ignores it.
 */
export function lintPortability(message: JsonMap, reporter: LintReporter, baseURL: string): void {
  const notification = get(message, 'notification');
  const inner: JsonMap = isMap(notification) ? notification : {};
  lintAppBadge(message, inner, reporter);
  lintMutableLocation(message, inner, reporter);
  if (!isMap(notification)) return;

  if (get(notification, 'title') === '') reporter.report('title-empty', '/notification/title', [null, 'error']);
  lintURL(get(notification, 'navigate'), '/notification/navigate', 'error', true, reporter, baseURL);
  lintURL(get(notification, 'icon'), '/notification/icon', 'error', false, reporter, baseURL);
  lintURL(get(notification, 'image'), '/notification/image', 'warning', false, reporter, baseURL);
  lintURL(get(notification, 'badge'), '/notification/badge', 'warning', false, reporter, baseURL);

  const actions = get(notification, 'actions');
  if (actions === undefined) return;
  reporter.report('actions-not-shown-by-safari', '/notification/actions', [null, 'info']);
  if (!Array.isArray(actions)) return;
  actions.forEach((entry: unknown, index: number) => {
    if (!isMap(entry) || !isString(entry.action) || !isString(entry.title)) return;
    const path = `/notification/actions/${index}`;
    lintURL(get(entry, 'navigate'), `${path}/navigate`, 'warning', true, reporter, baseURL);
    lintURL(get(entry, 'icon'), `${path}/icon`, 'warning', false, reporter, baseURL);
  });
}

/**
 * A URL member the standard resolves against the scope: Safari needs it absolute; a navigation
 * target should be http(s), and never script (spec-notes.md#relative-navigate, #non-http-navigate).
 */
function lintURL(value: unknown, path: string, relative: Severity, navigable: boolean, reporter: LintReporter, baseURL: string): void {
  if (!isString(value)) return;
  // Absolute first: the common case then costs one URL parse.
  const absolute = parseURL(value, undefined);
  const url = absolute ?? parseURL(value, baseURL);
  if (url === null) return; // url-unparsable, reported by the parser or the standard lint
  if (absolute === null) reporter.report('url-relative', path, [null, relative], { value, resolved: url.href });
  if (!navigable) return;
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'javascript' || scheme === 'data') reporter.report('url-script', path, [null, 'error'], { value, scheme });
  else if (scheme !== 'http' && scheme !== 'https') reporter.report('url-not-http', path, [null, 'warning'], { value, scheme });
}

/** spec-notes.md#mutable-location: the standard reads the top level, Safari 18.x only `notification`. */
function lintMutableLocation(message: JsonMap, notification: JsonMap, reporter: LintReporter): void {
  const inner = get(notification, 'mutable');
  if (inner !== undefined && !isBoolean(inner)) {
    reporter.report('member-wrong-type', '/notification/mutable', [null, 'error'], { member: 'mutable', expected: 'boolean', type: jsonType(inner) });
  }
  const top = get(message, 'mutable') === true;
  if (top !== (inner === true)) {
    const [path, missing] = top ? ['/mutable', '/notification/mutable'] : ['/notification/mutable', '/mutable'];
    reporter.report('mutable-location', path, [null, 'warning'], { missing });
  }
}

const BADGE_PATHS = ['/app_badge', '/notification/app_badge'] as const;

/** spec-notes.md#app-badge: not in the standard; Safari rejects a bad value and has moved it. */
function lintAppBadge(message: JsonMap, notification: JsonMap, reporter: LintReporter): void {
  const places = [message, notification];
  places.forEach((place, i) => {
    if (!has(place, 'app_badge')) return;
    const value = place.app_badge;
    const path = BADGE_PATHS[i]!;
    reporter.report('app-badge-not-standard', path, ['info', null]);
    if (isU64(value)) {
      if (value > SAFARI_INT_MAX) reporter.report('app-badge-over-int32', path, [null, 'warning'], { value, limit: SAFARI_INT_MAX });
    } else if (isDigitString(value)) {
      reporter.report('app-badge-string', path, ['warning', 'warning'], { value });
    } else {
      reporter.report('app-badge-invalid', path, ['warning', 'error'], { value });
    }
    if (!has(places[1 - i]!, 'app_badge')) reporter.report('app-badge-location', path, [null, 'warning'], { missing: BADGE_PATHS[1 - i]! });
  });
}
