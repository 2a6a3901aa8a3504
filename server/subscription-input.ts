import { ECDH } from 'node:crypto';
import type { PushOriginGuard } from './push-origin-guard.js';
import type { PushSubscriptionJSON } from './push-request.js';
import { PushError } from './push-error.js';

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const CHANNEL = /^[A-Za-z0-9._:-]{1,64}$/;
export const MAX_CHANNELS = 32;

/**
 * Checks what `PushSubscription.toJSON()` gives (plus optional channels): an endpoint string,
 * `p256dh` a 65-byte uncompressed point on P-256 and `auth` 16 bytes, both base64url (RFC 8291
 * section 3). Throws `invalid-subscription` naming the member.
 */
export function readSubscription(value: unknown): PushSubscriptionJSON {
  const sub = value as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } } | null;
  if (typeof sub !== 'object' || sub === null || Array.isArray(sub)) throw invalid('subscription', 'must be an object {endpoint, keys: {p256dh, auth}}');
  if (typeof sub.endpoint !== 'string' || sub.endpoint === '') throw invalid('subscription.endpoint', 'must be a URL string');
  if (typeof sub.keys !== 'object' || sub.keys === null) throw invalid('subscription.keys', 'must be an object {p256dh, auth}');
  const p256dh = decodeKey(sub.keys.p256dh, 'subscription.keys.p256dh', 65);
  if (p256dh[0] !== 0x04 || !isOnCurve(p256dh)) throw invalid('subscription.keys.p256dh', 'must be an uncompressed P-256 point');
  decodeKey(sub.keys.auth, 'subscription.keys.auth', 16);
  return { endpoint: sub.endpoint, keys: { p256dh: sub.keys.p256dh as string, auth: sub.keys.auth as string } };
}

/** A subscription as stored: canonical endpoint, its push-service origin, its channels. */
export interface AcceptedSubscription {
  subscription: PushSubscriptionJSON;
  origin: string;
  channels: string[];
}

/**
 * Every check a subscription passes before it is stored, for the API and `dwpush import` alike:
 * the keys (readSubscription), the channels, and the SSRF guard, whose canonical URL becomes the
 * stored endpoint (one push resource, one row, however it was spelled). Throws a PushError.
 */
export function acceptSubscription(subscription: unknown, channels: unknown, guard: PushOriginGuard): AcceptedSubscription {
  const checked = readSubscription(subscription);
  const names = readChannels(channels);
  const url = guard(checked.endpoint);
  return { subscription: { ...checked, endpoint: url.href }, origin: url.origin, channels: names };
}

export function readChannels(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_CHANNELS || !value.every(isChannelName)) {
    throw new PushError('invalid-subscription', `channels must be a list of at most ${MAX_CHANNELS} names of 1 to 64 characters (A-Z a-z 0-9 . _ : -)`, { member: 'channels' });
  }
  return [...new Set(value as string[])];
}

export function isChannelName(value: unknown): value is string {
  return typeof value === 'string' && CHANNEL.test(value);
}

function decodeKey(value: unknown, member: string, bytes: number): Buffer {
  if (typeof value !== 'string' || !BASE64URL.test(value)) throw invalid(member, 'must be a base64url string');
  const decoded = Buffer.from(value, 'base64url');
  if (decoded.length !== bytes) throw invalid(member, `must be ${bytes} bytes, got ${decoded.length}`);
  return decoded;
}

function isOnCurve(point: Buffer): boolean {
  try {
    ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'compressed');
    return true;
  } catch {
    return false;
  }
}

function invalid(member: string, reason: string): PushError {
  return new PushError('invalid-subscription', `${member} ${reason}`, { member });
}
