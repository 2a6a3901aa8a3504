import { CHROMIUM_MAX_ACTIONS, MAX_NESTING_DEPTH, MAX_PLAINTEXT_BYTES, SAFARI_INT_MAX, WEB_PUSH_MAGIC_2024_DRAFT } from './constants.js';
import type { Finding, FindingCode } from './finding.js';
import { NOTIFICATION_MEMBERS } from './notification-members.js';

export interface FindingDescription {
  /** What is wrong, quoting the value. */
  message: string;
  /** Why it matters and how to fix it. */
  hint?: string;
}

type Describe = (params: Record<string, unknown>, path: string) => FindingDescription;

/**
 * The prose for every finding code, in one table: the only place messages are made, so tools that
 * read findings as data never depend on wording (spec-notes.md#finding-codes).
 */
export function describeFinding(f: Finding): FindingDescription {
  return DESCRIPTIONS[f.code](f.params, f.path);
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

export const DESCRIPTIONS: Readonly<Record<FindingCode, Describe>> = {
  'empty-input': () => ({
    message: 'the payload is empty',
    hint: 'A declarative push message is a JSON object such as {"web_push": 8030, "notification": {"title": "...", "navigate": "https://..."}}.',
  }),
  'invalid-utf8': () => ({
    message: 'the payload is not valid UTF-8',
    hint: 'Push payloads are parsed as UTF-8 JSON; re-encode the text as UTF-8.',
  }),
  'json-syntax': (p) => ({
    message: `the payload is not JSON: ${String(p.detail ?? 'syntax error')}`,
    hint: 'Browsers hand a payload that is not JSON to the service worker as an ordinary push event.',
  }),
  'nesting-too-deep': (p) => ({
    message: `arrays and objects nest ${p.depth === undefined ? 'too' : `${String(p.depth)} levels`} deep (limit ${String(p.limit ?? MAX_NESTING_DEPTH)})`,
    hint: 'No notification needs this; browsers run out of stack on such input. Flatten the data.',
  }),
  'payload-too-large': (p) => ({
    message: `the payload is ${String(p.bytes)} bytes, over ${String(p.limit ?? MAX_PLAINTEXT_BYTES)}`,
    hint: 'Encrypted, it does not fit one 4096-byte push record and push services refuse it. Shorten `body` or move `data` to your server.',
  }),
  'not-an-object': (p) => ({
    message: `the payload is a JSON ${String(p.type)}, not an object`,
    hint: 'A declarative push message is an object with "web_push": 8030 and a "notification" object.',
  }),
  'not-declarative': () => ({
    message: 'the payload is neither a standard declarative message (no `web_push`) nor a 2023 explainer message (no `default_action_url`)',
    hint: 'Browsers hand it to the service worker as an ordinary push event. To make it declarative, add "web_push": 8030 and a "notification" with "title" and "navigate".',
  }),
  'web-push-missing': () => ({
    message: '`web_push` is missing',
    hint: 'Add "web_push": 8030 at the top level: it marks the payload as a declarative push message.',
  }),
  'web-push-not-8030': (p) => ({
    message: `\`web_push\` is ${quote(p.value)}, not the number 8030`,
    hint: p.value === WEB_PUSH_MAGIC_2024_DRAFT
      ? '9001 is the magic number of the 2024 draft of the Push API; the standard uses 8030.'
      : 'It must be the JSON number 8030 exactly (not a string, not 8030.5).',
  }),
  'notification-missing': () => ({
    message: '`notification` is missing',
    hint: 'Add a "notification" object with at least "title" and "navigate".',
  }),
  'notification-not-an-object': (p) => ({
    message: `\`notification\` is a ${String(p.type)}, not an object`,
    hint: 'Write "notification": {"title": "...", "navigate": "https://..."}.',
  }),
  'title-missing': (_, path) => ({
    message: `${member(path)} is missing`,
    hint: 'Every declarative notification needs a title.',
  }),
  'title-not-a-string': (p, path) => ({
    message: `${member(path)} is a ${String(p.type)}, not a string`,
    hint: 'Write the title as a JSON string.',
  }),
  'title-empty': (_, path) => ({
    message: `${member(path)} is empty`,
    hint: `The standard allows it, but ${SAFARI_REJECTS} Give the notification a title.`,
  }),
  'navigate-missing': () => ({
    message: '`notification.navigate` is missing',
    hint: 'Add "navigate": the absolute https: URL to open when the notification is clicked.',
  }),
  'navigate-not-a-string': (p) => ({
    message: `\`notification.navigate\` is a ${String(p.type)}, not a string`,
    hint: 'Write the URL as a string, e.g. "navigate": "https://example.com/inbox".',
  }),
  'url-unparsable': (p, path) => ({
    message: `${member(path)} ${quote(p.value)} is not a URL`,
    hint: last(path) === 'navigate' || last(path) === 'default_action_url' || last(path) === 'url'
      ? 'A notification or action whose navigation URL does not parse makes the whole message not declarative. Use an absolute https: URL.'
      : 'The browser leaves this member unset. Use an absolute https: URL.',
  }),
  'silent-with-vibrate': () => ({
    message: '`notification.silent` is true and `notification.vibrate` is set',
    hint: 'The Notifications standard throws a TypeError for this, so the message is not declarative. Remove `vibrate` or `silent`.',
  }),
  'renotify-without-tag': () => ({
    message: '`notification.renotify` is true but `notification.tag` is missing or empty',
    hint: 'The Notifications standard throws a TypeError for this. Give the notification a "tag" to replace, or remove `renotify`.',
  }),
  'member-wrong-type': (p, path) => ({
    message: `${member(path)} is a ${String(p.type)}, expected ${EXPECTED[String(p.expected)] ?? String(p.expected)}`,
    hint: (NOTIFICATION_MEMBERS[String(p.member)]?.webkitRejects || p.member === 'mutable') && !path.startsWith('/options')
      ? `The standard ignores it. ${SAFARI_REJECTS}`
      : 'The standard ignores a member of the wrong type.',
  }),
  'dir-invalid': (p, path) => ({
    message: `${member(path)} is ${quote(p.value)}, not "auto", "ltr" or "rtl"`,
    hint: `Values are lower case. The standard ignores other values; ${SAFARI_REJECTS}`,
  }),
  'actions-not-a-list': (p) => ({
    message: `\`notification.actions\` is a ${String(p.type)}, not an array`,
    hint: 'The standard ignores it. Write "actions": [{"action": "...", "title": "...", "navigate": "https://..."}].',
  }),
  'action-not-an-object': (p, path) => ({
    message: `${member(path)} is a ${String(p.type)}, not an object`,
    hint: 'The entry is skipped. Each action is {"action": "...", "title": "...", "navigate": "https://..."}.',
  }),
  'action-skipped': (p, path) => ({
    message: `${member(path)} is skipped: no string ${(p.missing as string[]).map((m) => `\`${m}\``).join(', ')}`,
    hint: 'An action needs string "action", "title" and "navigate" members, or the browser drops it.',
  }),
  'actions-over-limit': (p) => ({
    message: `${String(p.count)} actions, but only ${String(p.limit)} are shown`,
    hint: p.limit === CHROMIUM_MAX_ACTIONS
      ? 'Chromium shows at most 2 actions; put the most important first.'
      : 'Browsers skip actions past their maximum (before checking their URLs).',
  }),
  'unknown-member': (p, path) => ({
    message: `${member(path)} is not a member this format defines; did you mean \`${String(p.suggestion)}\`?`,
    hint: 'Browsers ignore members they do not know, so this one has no effect.',
  }),
  'legacy-fields': (p) => ({
    message: `a hybrid payload: top-level ${(p.members as string[]).map((m) => `\`${m}\``).join(', ')} ${(p.members as string[]).length === 1 ? 'is' : 'are'} not part of the declarative message`,
    hint: 'Browsers and the polyfill ignore them; they are there for service workers not yet updated to the polyfill. Stop sending them once every worker has updated.',
  }),
  'url-relative': (p, path) => ({
    message: `${member(path)} ${quote(p.value)} is a relative URL`,
    hint: `The standard resolves it against the subscription scope (here ${quote(p.resolved)}), but Safari needs an absolute URL. Write it absolute.`,
  }),
  'url-script': (p, path) => ({
    message: `${member(path)} ${quote(p.value)} uses the ${String(p.scheme)}: scheme`,
    hint: 'Navigating a notification to script or data URLs is blocked or dangerous. Use an https: URL.',
  }),
  'url-not-http': (p, path) => ({
    message: `${member(path)} ${quote(p.value)} is not an http(s) URL`,
    hint: 'What activating it does is not defined; browsers may do nothing. Prefer an https: page that redirects.',
  }),
  'mutable-location': (p, path) => ({
    message: `${member(path)} is true, but ${member(String(p.missing))} is not`,
    hint: 'The standard reads top-level `mutable`; Safari 18.x reads `notification.mutable`. Set both to true.',
  }),
  'app-badge-not-standard': (_, path) => ({
    message: `${member(path)} is not part of the Push API yet`,
    hint: 'It is proposed in w3c/push-api PR #402; Safari reads it. Browsers that follow the standard ignore it.',
  }),
  'app-badge-invalid': (p, path) => ({
    message: `${member(path)} is ${quote(p.value)}, not an unsigned integer`,
    hint: `The standard ignores it; ${SAFARI_REJECTS} Send a whole number from 0 (clears the badge) to ${SAFARI_INT_MAX}.`,
  }),
  'app-badge-string': (p, path) => ({
    message: `${member(path)} is the string ${quote(p.value)}`,
    hint: 'Safari reads digit strings, but the proposal (PR #402) reads only numbers. Send a JSON number.',
  }),
  'app-badge-over-int32': (p, path) => ({
    message: `${member(path)} is ${quote(p.value)}, over ${String(p.limit ?? SAFARI_INT_MAX)}`,
    hint: 'WebKit reads badge numbers as a 32-bit int, so larger values wrap. No badge shows such numbers anyway.',
  }),
  'app-badge-location': (p, path) => ({
    message: `${member(path)} is set, but ${member(String(p.missing))} is not`,
    hint: 'The proposal (PR #402) and newer WebKit read the top level; Safari 18.x reads `notification.app_badge`. Set both.',
  }),
  'actions-not-shown-by-safari': () => ({
    message: 'Safari shows no action buttons',
    hint: 'Make sure the notification works with `navigate` alone.',
  }),
  'options-not-an-object': (p) => ({
    message: `\`options\` is a ${String(p.type)}, not an object`,
    hint: 'In the 2023 explainer format, `options` is the NotificationOptions object.',
  }),
  'default-action-url-missing': () => ({
    message: '`default_action_url` is missing',
    hint: 'The 2023 explainer format requires it: the absolute URL to open on click.',
  }),
  'default-action-url-invalid': (p) => ({
    message: `\`default_action_url\` ${quote(p.value)} is not an absolute URL`,
    hint: 'Use an absolute https: URL.',
  }),
  'action-url-missing': (_, path) => ({
    message: `${member(path)} is missing`,
    hint: 'In the 2023 explainer format, every action needs a "url".',
  }),
  'explainer-format': () => ({
    message: 'this is the 2023 explainer format, which no shipping browser reads any more',
    hint: 'Convert it: add "web_push": 8030, move `title`, `options` and `default_action_url` (as `navigate`) into "notification", and rename each action\'s `url` to `navigate` (explainerToStandard does this).',
  }),
};
