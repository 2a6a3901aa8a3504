import { isBoolean, isString, isU32, isU64 } from './json-value.js';

/**
 * The optional members of `notification` that the declarative push message parser copies into
 * NotificationOptions when they have the right type (Push API parser steps 11-23), and ignores
 * otherwise. The linter walks the same table to say what was ignored.
 */
export interface MemberRule {
  /** The type the standard accepts, as a short tag for findings; describe-finding.ts words it. */
  expected: 'dir' | 'string' | 'boolean' | 'u32-list' | 'u64';
  accepts: (value: unknown) => boolean;
  /** A URL member: parsed against the base URL; a failure leaves it unset (never fails the message). */
  url?: true;
  /**
   * WebKit reads it and rejects the whole message when it is ill-typed: its 2023 explainer parser
   * and Safari 18.x alike (spec-notes.md#ill-typed-members).
   */
  webkitRejects?: true;
}

export const DIR_VALUES: readonly string[] = ['auto', 'ltr', 'rtl'];

const isDir = (v: unknown) => isString(v) && DIR_VALUES.includes(v);
const isVibrate = (v: unknown) => Array.isArray(v) && v.every(isU32);

export const NOTIFICATION_MEMBERS: Readonly<Record<string, MemberRule>> = {
  dir: { expected: 'dir', accepts: isDir, webkitRejects: true },
  lang: { expected: 'string', accepts: isString, webkitRejects: true },
  body: { expected: 'string', accepts: isString, webkitRejects: true },
  tag: { expected: 'string', accepts: isString, webkitRejects: true },
  image: { expected: 'string', accepts: isString, url: true },
  icon: { expected: 'string', accepts: isString, url: true, webkitRejects: true },
  badge: { expected: 'string', accepts: isString, url: true },
  vibrate: { expected: 'u32-list', accepts: isVibrate },
  timestamp: { expected: 'u64', accepts: isU64 },
  renotify: { expected: 'boolean', accepts: isBoolean },
  silent: { expected: 'boolean', accepts: isBoolean, webkitRejects: true },
  requireInteraction: { expected: 'boolean', accepts: isBoolean },
};

/** Every member name the standard gives meaning to inside `notification`, for "did you mean". */
export const STANDARD_NOTIFICATION_NAMES: readonly string[] = [
  'title', 'navigate', ...Object.keys(NOTIFICATION_MEMBERS), 'data', 'actions',
];
export const STANDARD_TOP_LEVEL_NAMES: readonly string[] = ['web_push', 'notification', 'mutable', 'app_badge'];
export const STANDARD_ACTION_NAMES: readonly string[] = ['action', 'title', 'navigate', 'icon'];

/**
 * Who rejects the whole message when the member at `path` has the wrong type (or, for a URL
 * member, does not parse): WebKit's 2023 explainer parser for anything in `options`, Safari 18.x
 * for the members it reads strictly in `notification` and `mutable`, nobody for an action's members
 * (Safari shows no actions). The linter's portable severity and the finding's hint both read this,
 * so a hint never claims a rejection its severity does not show (spec-notes.md#ill-typed-members).
 */
export function wrongTypeRejectedBy(path: string, member: string): 'webkit-2023' | 'safari' | 'none' {
  if (path.startsWith('/options/')) return 'webkit-2023';
  if (path.startsWith('/notification/actions/')) return 'none';
  return member === 'mutable' || NOTIFICATION_MEMBERS[member]?.webkitRejects === true ? 'safari' : 'none';
}
