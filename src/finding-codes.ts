import { CHROMIUM_MAX_ACTIONS, MAX_NESTING_DEPTH, MAX_PLAINTEXT_BYTES, SAFARI_INT_MAX, WEB_PUSH_MAGIC_2024_DRAFT } from './constants.js';
import type { FindingCode, Severity } from './finding.js';
import { wrongTypeRejectedBy } from './notification-members.js';

/**
 * Every finding code in one table (spec-notes.md#finding-codes): the severities it can have under
 * each profile, its typed parameters, the prose (what is wrong, why it matters) and the short fix.
 * The `FindingCode` type is this table's keys; `describeFinding` reads its prose; a test checks
 * spec-notes' two tables and every linted corpus case against it, so they cannot drift.
 */
export interface FindingCodeEntry<C extends FindingCode> {
  /** Severities under `spec` and `portable` (several where it depends on the place; none: never reported). */
  spec: readonly Severity[];
  portable: readonly Severity[];
  /** A message that gets it, and how to fix that (spec-notes.md#finding-codes lists both). */
  example: string;
  fix: string;
  describe: (params: FindingParams[C], path: string) => FindingDescription;
}

export interface FindingDescription {
  /** What is wrong, quoting the value. */
  message: string;
  /** Why it matters and how to fix it. */
  hint: string;
}

/** A JSON value as it would appear in the message, shortened to stay on one line. */
function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const member = (path: string) => (path === '' ? 'the message' : `\`${path.slice(1).split('/').join('.')}\``);
const last = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The words for the short type tags of `params.expected` (notification-members.ts). */
const EXPECTED: Record<string, string> = {
  dir: '"auto", "ltr" or "rtl"',
  'u32-list': 'an array of 32-bit unsigned integers',
  u64: 'a 64-bit unsigned integer',
};
const SAFARI_REJECTS = 'Safari 18.x rejects the whole message for this, and shows nothing.';
const WEBKIT_2023_REJECTS = 'WebKit\'s 2023 explainer parser rejects the whole message for this.';

/** The parameters each code's finding carries (`Finding.params`), by code. */
export interface FindingParams {
  'empty-input': {};
  'invalid-utf8': {};
  'json-syntax': { detail: string };
  'nesting-too-deep': { depth?: number; limit: number };
  'payload-too-large': { bytes: number; limit: number };
  'not-an-object': { type: string };
  'not-declarative': {};
  'web-push-missing': {};
  'web-push-not-8030': { value: unknown };
  'notification-missing': {};
  'notification-not-an-object': { type: string };
  'title-missing': {};
  'title-not-a-string': { type: string };
  'title-empty': {};
  'navigate-missing': {};
  'navigate-not-a-string': { type: string };
  'url-unparsable': { value: unknown };
  'silent-with-vibrate': {};
  'renotify-without-tag': {};
  'member-wrong-type': { member: string; expected: string; type: string; value?: unknown };
  'dir-invalid': { value: unknown };
  'actions-not-a-list': { type: string };
  'action-not-an-object': { type: string };
  'action-skipped': { missing: string[] };
  'actions-over-limit': { count: number; limit: number };
  'unknown-member': { member: string; suggestion: string };
  'legacy-fields': { members: string[] };
  'url-relative': { value: unknown; resolved?: string };
  'url-script': { value: string; scheme: string };
  'url-not-http': { value: string; scheme: string };
  'mutable-location': { missing: string };
  'app-badge-not-standard': {};
  'app-badge-invalid': { value: unknown };
  'app-badge-string': { value: string };
  'app-badge-over-int32': { value: number; limit: number };
  'app-badge-location': { missing: string };
  'actions-not-shown-by-safari': {};
  'options-not-an-object': { type: string };
  'default-action-url-missing': {};
  'default-action-url-invalid': { value: unknown };
  'action-url-missing': {};
  'explainer-format': {};
}

export const FINDING_CODES: { readonly [C in FindingCode]: FindingCodeEntry<C> } = {
  'empty-input': {
    spec: ['error'], portable: ['error'],
    example: '`` (no bytes)',
    fix: 'Send a JSON message.',
    describe: () => ({
      message: 'the payload is empty',
      hint: 'A declarative push message is a JSON object such as {"web_push": 8030, "notification": {"title": "...", "navigate": "https://..."}}.',
    }),
  },
  'invalid-utf8': {
    spec: ['warning', 'error'], portable: ['error'],
    example: '`{"title": "caf\\xE9"}` (Latin-1)',
    fix: 'Encode the JSON as UTF-8.',
    describe: () => ({
      message: 'the payload is not valid UTF-8',
      hint: 'Push payloads are parsed as UTF-8 JSON; re-encode the text as UTF-8.',
    }),
  },
  'json-syntax': {
    spec: ['error'], portable: ['error'],
    example: '`{"web_push": 8030,}`',
    fix: 'Produce the payload with `JSON.stringify`.',
    describe: (p) => ({
      message: `the payload is not JSON: ${String(p.detail ?? 'syntax error')}`,
      hint: 'Browsers hand a payload that is not JSON to the service worker as an ordinary push event.',
    }),
  },
  'nesting-too-deep': {
    spec: ['error'], portable: ['error'],
    example: '`{"data": [[[[…129 levels…]]]]}`',
    fix: 'Flatten `data`.',
    describe: (p) => ({
      message: `arrays and objects nest ${p.depth === undefined ? 'too' : `${String(p.depth)} levels`} deep (limit ${String(p.limit ?? MAX_NESTING_DEPTH)})`,
      hint: 'No notification needs this; browsers run out of stack on such input. Flatten the data.',
    }),
  },
  'payload-too-large': {
    spec: ['warning'], portable: ['error'],
    example: '`N{"body": "…4000 bytes…"}`',
    fix: 'Shorten `body`; keep `data` small or fetch it from your server.',
    describe: (p) => ({
      message: `the payload is ${String(p.bytes)} bytes, over ${String(p.limit ?? MAX_PLAINTEXT_BYTES)}`,
      hint: 'Encrypted, it does not fit one 4096-byte push record and push services refuse it. Shorten `body` or move `data` to your server.',
    }),
  },
  'not-an-object': {
    spec: ['error'], portable: ['error'],
    example: '`["web_push", 8030]`',
    fix: 'The payload is an object.',
    describe: (p) => ({
      message: `the payload is a JSON ${String(p.type)}, not an object`,
      hint: 'A declarative push message is an object with "web_push": 8030 and a "notification" object.',
    }),
  },
  'not-declarative': {
    spec: ['error'], portable: ['error'],
    example: '`{"title": "Hi", "body": "…"}`',
    fix: 'Add `"web_push": 8030` and a `notification` with `title` and `navigate`.',
    describe: () => ({
      message: 'the payload is neither a standard declarative message (no `web_push`) nor a 2023 explainer message (no `default_action_url`)',
      hint: 'Browsers hand it to the service worker as an ordinary push event. To make it declarative, add "web_push": 8030 and a "notification" with "title" and "navigate".',
    }),
  },
  'web-push-missing': {
    spec: ['error'], portable: ['error'],
    example: '`{"notification": {...}}` (with `--as standard`)',
    fix: 'Add `"web_push": 8030`.',
    describe: () => ({
      message: '`web_push` is missing',
      hint: 'Add "web_push": 8030 at the top level: it marks the payload as a declarative push message.',
    }),
  },
  'web-push-not-8030': {
    spec: ['error'], portable: ['error'],
    example: '`"web_push": 9001` or `"8030"`',
    fix: '`"web_push": 8030` (the number).',
    describe: (p) => ({
      message: `\`web_push\` is ${quote(p.value)}, not the number 8030`,
      hint: p.value === WEB_PUSH_MAGIC_2024_DRAFT
        ? '9001 is the magic number of the 2024 draft of the Push API; the standard uses 8030.'
        : 'It must be the JSON number 8030 exactly (not a string, not 8030.5).',
    }),
  },
  'notification-missing': {
    spec: ['error'], portable: ['error'],
    example: '`{"web_push": 8030, "title": "Hi"}`',
    fix: 'Move the members into `"notification": {...}`.',
    describe: () => ({
      message: '`notification` is missing',
      hint: 'Add a "notification" object with at least "title" and "navigate".',
    }),
  },
  'notification-not-an-object': {
    spec: ['error'], portable: ['error'],
    example: '`"notification": "Hi"`',
    fix: '`"notification": {"title": "Hi", "navigate": "https://…"}`.',
    describe: (p) => ({
      message: `\`notification\` is a ${String(p.type)}, not an object`,
      hint: 'Write "notification": {"title": "...", "navigate": "https://..."}.',
    }),
  },
  'title-missing': {
    spec: ['error'], portable: ['error'],
    example: '`"notification": {"navigate": "https://…"}`',
    fix: 'Add `"title"`.',
    describe: (_, path) => ({
      message: `${member(path)} is missing`,
      hint: 'Every declarative notification needs a title.',
    }),
  },
  'title-not-a-string': {
    spec: ['error'], portable: ['error'],
    example: '`"title": 42`',
    fix: '`"title": "42"`.',
    describe: (p, path) => ({
      message: `${member(path)} is a ${String(p.type)}, not a string`,
      hint: 'Write the title as a JSON string.',
    }),
  },
  'title-empty': {
    spec: ['error'], portable: ['error'],
    example: '`"title": ""`',
    fix: 'Give a title.',
    describe: (_, path) => ({
      message: `${member(path)} is empty`,
      hint: `The standard allows it, but ${SAFARI_REJECTS} Give the notification a title.`,
    }),
  },
  'navigate-missing': {
    spec: ['error'], portable: ['error'],
    example: '`"notification": {"title": "Hi", "url": "https://…"}`',
    fix: 'Rename to `"navigate"`.',
    describe: () => ({
      message: '`notification.navigate` is missing',
      hint: 'Add "navigate": the absolute https: URL to open when the notification is clicked.',
    }),
  },
  'navigate-not-a-string': {
    spec: ['error'], portable: ['error'],
    example: '`"navigate": {"href": "https://…"}`',
    fix: '`"navigate": "https://…"`.',
    describe: (p) => ({
      message: `\`notification.navigate\` is a ${String(p.type)}, not a string`,
      hint: 'Write the URL as a string, e.g. "navigate": "https://example.com/inbox".',
    }),
  },
  'url-unparsable': {
    spec: ['warning', 'error'], portable: ['warning', 'error'],
    example: '`"navigate": "https://exa mple.com/"`, `"icon": "http://[::1"`',
    fix: 'A valid absolute URL.',
    describe: (p, path) => ({
      message: `${member(path)} ${quote(p.value)} is not a URL`,
      hint: last(path) === 'navigate' || last(path) === 'default_action_url' || last(path) === 'url'
        ? 'A notification or action whose navigation URL does not parse makes the whole message not declarative. Use an absolute https: URL.'
        : {
          'webkit-2023': `${WEBKIT_2023_REJECTS} Use an absolute https: URL.`,
          safari: `The standard leaves it unset; ${SAFARI_REJECTS} Use an absolute https: URL.`,
          none: 'The browser leaves this member unset. Use an absolute https: URL.',
        }[wrongTypeRejectedBy(path, last(path))],
    }),
  },
  'silent-with-vibrate': {
    spec: ['error'], portable: ['error'],
    example: '`"silent": true, "vibrate": [200]`',
    fix: 'Drop one of them.',
    describe: () => ({
      message: '`notification.silent` is true and `notification.vibrate` is set',
      hint: 'The Notifications standard throws a TypeError for this, so the message is not declarative. Remove `vibrate` or `silent`.',
    }),
  },
  'renotify-without-tag': {
    spec: ['error'], portable: ['error'],
    example: '`"renotify": true`',
    fix: 'Add `"tag": "thread-12"`, or drop `renotify`.',
    describe: () => ({
      message: '`notification.renotify` is true but `notification.tag` is missing or empty',
      hint: 'The Notifications standard throws a TypeError for this. Give the notification a "tag" to replace, or remove `renotify`.',
    }),
  },
  'member-wrong-type': {
    spec: ['warning', 'error'], portable: ['warning', 'error'],
    example: '`"body": 42`, `"silent": "true"`, top-level `"mutable": 1`',
    fix: '`"body": "42"`, `"silent": true`, `"mutable": true`.',
    describe: (p, path) => ({
      message: `${member(path)} is a ${String(p.type)}, expected ${EXPECTED[String(p.expected)] ?? String(p.expected)}`,
      hint: {
        'webkit-2023': WEBKIT_2023_REJECTS,
        safari: `The standard ignores it. ${SAFARI_REJECTS}`,
        none: 'The standard ignores a member of the wrong type.',
      }[wrongTypeRejectedBy(path, p.member)],
    }),
  },
  'dir-invalid': {
    spec: ['warning', 'error'], portable: ['error'],
    example: '`"dir": "LTR"`',
    fix: '`"dir": "ltr"`.',
    describe: (p, path) => ({
      message: `${member(path)} is ${quote(p.value)}, not "auto", "ltr" or "rtl"`,
      hint: wrongTypeRejectedBy(path, 'dir') === 'webkit-2023'
      ? `Values are lower case. ${WEBKIT_2023_REJECTS}`
      : `Values are lower case. The standard ignores other values; ${SAFARI_REJECTS}`,
    }),
  },
  'actions-not-a-list': {
    spec: ['warning'], portable: ['warning'],
    example: '`"actions": {"action": "a", …}`',
    fix: '`"actions": [{"action": "a", …}]`.',
    describe: (p) => ({
      message: `\`notification.actions\` is a ${String(p.type)}, not an array`,
      hint: 'The standard ignores it. Write "actions": [{"action": "...", "title": "...", "navigate": "https://..."}].',
    }),
  },
  'action-not-an-object': {
    spec: ['warning', 'error'], portable: ['warning', 'error'],
    example: '`"actions": ["reply"]`',
    fix: '`"actions": [{"action": "reply", "title": "Reply", "navigate": "https://…"}]`.',
    describe: (p, path) => ({
      message: `${member(path)} is a ${String(p.type)}, not an object`,
      hint: wrongTypeRejectedBy(path, 'actions') === 'webkit-2023'
      ? `${WEBKIT_2023_REJECTS} Each action is {"action": "...", "title": "...", "url": "https://..."}.`
      : 'The entry is skipped. Each action is {"action": "...", "title": "...", "navigate": "https://..."}.',
    }),
  },
  'action-skipped': {
    spec: ['warning'], portable: ['warning'],
    example: '`{"action": "a", "title": "A", "url": "https://…"}`',
    fix: 'Give every action `action`, `title` and `navigate`.',
    describe: (p, path) => ({
      message: `${member(path)} is skipped: no string ${(p.missing as string[]).map((m) => `\`${m}\``).join(', ')}`,
      hint: 'An action needs string "action", "title" and "navigate" members, or the browser drops it.',
    }),
  },
  'actions-over-limit': {
    spec: ['info'], portable: ['warning'],
    example: 'three actions',
    fix: 'Put the two most important first.',
    describe: (p) => ({
      message: `${String(p.count)} actions, but only ${String(p.limit)} are shown`,
      hint: p.limit === CHROMIUM_MAX_ACTIONS
        ? 'Chromium shows at most 2 actions; put the most important first.'
        : 'Browsers skip actions past their maximum (before checking their URLs).',
    }),
  },
  'unknown-member': {
    spec: ['warning'], portable: ['warning'],
    example: '`"navigation"`, `"require_interaction"`, top-level `"title"`',
    fix: '`"navigate"`, `"requireInteraction"`, `notification.title`.',
    describe: (p, path) => ({
      message: `${member(path)} is not a member this format defines; did you mean \`${String(p.suggestion)}\`?`,
      hint: 'Browsers ignore members they do not know, so this one has no effect.',
    }),
  },
  'legacy-fields': {
    spec: ['info'], portable: ['info'],
    example: '`{"web_push": 8030, "notification": {...}, "title": "Hi", "url": "https://…"}`',
    fix: 'Nothing while old service workers still read them; drop them once every worker has the polyfill.',
    describe: (p) => ({
      message: `a hybrid payload: top-level ${p.members.map((m) => `\`${m}\``).join(', ')} ${p.members.length === 1 ? 'is' : 'are'} not part of the declarative message`,
      hint: 'Browsers and the polyfill ignore them; they are there for service workers not yet updated to the polyfill. Stop sending them once every worker has updated.',
    }),
  },
  'url-relative': {
    spec: ['error'], portable: ['warning', 'error'],
    example: '`"navigate": "/inbox"`',
    fix: '`"navigate": "https://example.com/inbox"`.',
    describe: (p, path) => ({
      message: `${member(path)} ${quote(p.value)} is a relative URL`,
      hint: wrongTypeRejectedBy(path, last(path)) === 'webkit-2023' || p.resolved === undefined
      ? `${WEBKIT_2023_REJECTS} Write it absolute.`
      : `The standard resolves it against the subscription scope (here ${quote(p.resolved)}), but Safari needs an absolute URL. Write it absolute.`,
    }),
  },
  'url-script': {
    spec: [], portable: ['error'],
    example: '`"navigate": "javascript:open()"`',
    fix: 'An https: URL.',
    describe: (p, path) => ({
      message: `${member(path)} ${quote(p.value)} uses the ${String(p.scheme)}: scheme`,
      hint: 'Navigating a notification to script or data URLs is blocked or dangerous. Use an https: URL.',
    }),
  },
  'url-not-http': {
    spec: [], portable: ['warning'],
    example: '`"navigate": "mailto:help@example.com"`',
    fix: 'An https: page (that may link on).',
    describe: (p, path) => ({
      message: `${member(path)} ${quote(p.value)} is not an http(s) URL`,
      hint: 'What activating it does is not defined; browsers may do nothing. Prefer an https: page that redirects.',
    }),
  },
  'mutable-location': {
    spec: [], portable: ['warning'],
    example: 'top-level `"mutable": true` only',
    fix: 'Also `"notification": {"mutable": true, …}`.',
    describe: (p, path) => ({
      message: `${member(path)} is true, but ${member(String(p.missing))} is not`,
      hint: 'The standard reads top-level `mutable`; Safari 18.x reads `notification.mutable`. Set both to true.',
    }),
  },
  'app-badge-not-standard': {
    spec: ['info'], portable: [],
    example: '`"app_badge": 3`',
    fix: 'Nothing to fix: a note that only Safari (and PR #402) read it.',
    describe: (_, path) => ({
      message: `${member(path)} is not part of the Push API yet`,
      hint: 'It is proposed in w3c/push-api PR #402; Safari reads it. Browsers that follow the standard ignore it.',
    }),
  },
  'app-badge-invalid': {
    spec: ['warning', 'error'], portable: ['error'],
    example: '`"app_badge": -1`, `"app_badge": "three"`',
    fix: 'A whole number 0 … 2147483647.',
    describe: (p, path) => ({
      message: `${member(path)} is ${quote(p.value)}, not an unsigned integer`,
      hint: `The standard ignores it; ${SAFARI_REJECTS} Send a whole number from 0 (clears the badge) to ${SAFARI_INT_MAX}.`,
    }),
  },
  'app-badge-string': {
    spec: ['warning'], portable: ['warning'],
    example: '`"app_badge": "3"`',
    fix: '`"app_badge": 3`.',
    describe: (p, path) => ({
      message: `${member(path)} is the string ${quote(p.value)}`,
      hint: 'Safari reads digit strings, but the proposal (PR #402) reads only numbers. Send a JSON number.',
    }),
  },
  'app-badge-over-int32': {
    spec: [], portable: ['warning'],
    example: '`"app_badge": 3000000000`',
    fix: 'A number up to 2147483647.',
    describe: (p, path) => ({
      message: `${member(path)} is ${quote(p.value)}, over ${String(p.limit ?? SAFARI_INT_MAX)}`,
      hint: 'WebKit reads badge numbers as a 32-bit int, so larger values wrap. No badge shows such numbers anyway.',
    }),
  },
  'app-badge-location': {
    spec: [], portable: ['warning'],
    example: '`"app_badge": 3` at the top level only',
    fix: 'Put the same value in `notification` too.',
    describe: (p, path) => ({
      message: `${member(path)} is set, but ${member(String(p.missing))} is not`,
      hint: 'The proposal (PR #402) and newer WebKit read the top level; Safari 18.x reads `notification.app_badge`. Set both.',
    }),
  },
  'actions-not-shown-by-safari': {
    spec: [], portable: ['info'],
    example: 'any `actions`',
    fix: 'Make sure `navigate` alone is enough.',
    describe: () => ({
      message: 'Safari shows no action buttons',
      hint: 'Make sure the notification works with `navigate` alone.',
    }),
  },
  'options-not-an-object': {
    spec: ['error'], portable: ['error'],
    example: 'explainer `"options": "x"`',
    fix: '`"options": {...}`.',
    describe: (p) => ({
      message: `\`options\` is a ${String(p.type)}, not an object`,
      hint: 'In the 2023 explainer format, `options` is the NotificationOptions object.',
    }),
  },
  'default-action-url-missing': {
    spec: ['error'], portable: ['error'],
    example: 'explainer without `default_action_url`',
    fix: 'Add it (absolute URL), or convert to the standard.',
    describe: () => ({
      message: '`default_action_url` is missing',
      hint: 'The 2023 explainer format requires it: the absolute URL to open on click.',
    }),
  },
  'default-action-url-invalid': {
    spec: ['error'], portable: ['error'],
    example: '`"default_action_url": 5`',
    fix: 'An absolute https: URL.',
    describe: (p) => ({
      message: `\`default_action_url\` ${quote(p.value)} is not an absolute URL`,
      hint: 'Use an absolute https: URL.',
    }),
  },
  'action-url-missing': {
    spec: ['error'], portable: ['error'],
    example: 'explainer action `{"action": "a", "title": "A"}`',
    fix: 'Add `"url"`.',
    describe: (_, path) => ({
      message: `${member(path)} is missing`,
      hint: 'In the 2023 explainer format, every action needs a "url".',
    }),
  },
  'explainer-format': {
    spec: ['info'], portable: ['warning'],
    example: 'any explainer message',
    fix: 'Convert with `explainerToStandard` (see #explainer-format).',
    describe: () => ({
      message: 'this is the 2023 explainer format, which no shipping browser reads any more',
      hint: 'Convert it: add "web_push": 8030, move `title`, `options` and `default_action_url` (as `navigate`) into "notification", and rename each action\'s `url` to `navigate` (explainerToStandard does this).',
    }),
  },
};
