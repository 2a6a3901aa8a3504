import { isUserName } from './grant.js';
import { PushError } from './push-error.js';
import type { BroadcastTarget } from './store/store.js';
import { isChannelName } from './subscription-input.js';

/** Bounds on one request's target lists: a send to more users than this is a broadcast to a channel. */
export const MAX_TARGET_USERS = 1000;
export const MAX_TARGET_CHANNELS = 100;
/** How far ahead `send_at` may be. */
const MAX_SCHEDULE_MS = 366 * 86_400_000;
const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The recipients of `POST /api/notifications`: `user`, `users`, `channel`, `channels`, all
 * optional; their union, or everyone (null) when none is given.
 */
export function readTarget(body: { user?: unknown; users?: unknown; channel?: unknown; channels?: unknown }): BroadcastTarget | null {
  const users = [...list(body.user, body.users, 'user', isUserName, MAX_TARGET_USERS, 'names of 1 to 128 characters (A-Z a-z 0-9 . _ : @ + -)')];
  const channels = [...list(body.channel, body.channels, 'channel', isChannelName, MAX_TARGET_CHANNELS, 'names of 1 to 64 characters (A-Z a-z 0-9 . _ : -)')];
  const named = ['user', 'users', 'channel', 'channels'].some((m) => (body as Record<string, unknown>)[m] !== undefined);
  // `"users": []` is a target that reaches nobody, not everybody.
  return named ? { users, channels } : null;
}

function list(one: unknown, many: unknown, member: string, valid: (v: unknown) => v is string, max: number, what: string): Set<string> {
  const names = new Set<string>();
  if (one !== undefined) {
    if (!valid(one)) throw new PushError('invalid-option', `${member} must be one of the ${what}`, { option: member });
    names.add(one);
  }
  if (many !== undefined) {
    if (!Array.isArray(many) || many.length > max || !many.every(valid)) {
      throw new PushError('invalid-option', `${member}s must be a list of at most ${max} ${what}`, { option: `${member}s` });
    }
    for (const name of many) names.add(name);
  }
  return names;
}

/** `send_at`: an RFC 3339 date-time with its offset; in the past means now. Returns Unix milliseconds. */
export function readSendAt(value: unknown, now = Date.now()): number | null {
  if (value === undefined) return null;
  const at = typeof value === 'string' && RFC_3339.test(value) ? Date.parse(value.replace(' ', 'T')) : NaN;
  if (Number.isNaN(at)) throw new PushError('invalid-option', 'send_at must be an RFC 3339 date-time with an offset, such as "2026-12-01T09:00:00Z"', { option: 'send_at' });
  if (at > now + MAX_SCHEDULE_MS) throw new PushError('invalid-option', 'send_at may be at most a year ahead', { option: 'send_at' });
  return at;
}
