import { createHmac, timingSafeEqual } from 'node:crypto';
import { PushError } from './push-error.js';
import { isChannelName, MAX_CHANNELS } from './subscription-input.js';

/**
 * A grant: the site's backend vouches for one browser (spec-notes.md#grants). It names a user
 * and/or channels and expires; it is `dwpg1.<claims>.<mac>` where `<claims>` is base64url JSON
 * `{"u"?, "c"?, "exp"}` (exp in Unix seconds) and `<mac>` is base64url HMAC-SHA-256 over
 * `dwpg1.<claims>` with the server's grant secret.
 */
export interface GrantClaims {
  user?: string;
  channels: string[];
  /** Unix time, milliseconds. */
  expiresAt: number;
}

export interface GrantRequest {
  user?: string;
  channels?: readonly string[];
  /** Seconds; default 600, at most 86,400. */
  ttl?: number;
}

export const DEFAULT_GRANT_TTL = 600;
export const MAX_GRANT_TTL = 86_400;
/** Grant secrets shorter than this are refused: HMAC-SHA-256 wants a key of 256 bits. */
export const MIN_GRANT_SECRET_LENGTH = 32;
const PREFIX = 'dwpg1';
const USER = /^[A-Za-z0-9._:@+-]{1,128}$/;
/** Longer than any grant we mint (128-character user, 32 channels of 64): not worth a MAC. */
const MAX_GRANT_LENGTH = 4096;

export function isUserName(value: unknown): value is string {
  return typeof value === 'string' && USER.test(value);
}

/**
 * Mints a grant offline with the server's grant secret (`readGrantSecret`, or `DWP_GRANT_SECRET`),
 * exactly as `POST /api/grants` does. Throws `invalid-option` for a bad user, channels or ttl.
 */
export function mintGrant(secret: string, request: GrantRequest, now = Date.now()): { grant: string; expiresAt: string } {
  checkSecret(secret);
  const { user, channels = [], ttl = DEFAULT_GRANT_TTL } = request;
  if (user !== undefined && !isUserName(user)) {
    throw new PushError('invalid-option', 'user must be 1 to 128 characters (A-Z a-z 0-9 . _ : @ + -)', { option: 'user' });
  }
  if (!Array.isArray(channels) || channels.length > MAX_CHANNELS || !channels.every(isChannelName)) {
    throw new PushError('invalid-option', `channels must be a list of at most ${MAX_CHANNELS} names of 1 to 64 characters (A-Z a-z 0-9 . _ : -)`, { option: 'channels' });
  }
  if (user === undefined && channels.length === 0) {
    throw new PushError('invalid-option', 'a grant names a user, channels or both', { option: 'user' });
  }
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_GRANT_TTL) {
    throw new PushError('invalid-option', `ttl must be a whole number of seconds from 1 to ${MAX_GRANT_TTL}`, { option: 'ttl' });
  }
  const exp = Math.floor(now / 1000) + ttl;
  const claims = { ...(user !== undefined ? { u: user } : {}), ...(channels.length > 0 ? { c: [...new Set(channels)] } : {}), exp };
  const signed = `${PREFIX}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
  return { grant: `${signed}.${mac(secret, signed)}`, expiresAt: new Date(exp * 1000).toISOString() };
}

/**
 * Checks a grant: the MAC first, in constant time, so nothing of a forged grant is read; then
 * expiry. Throws `grant-invalid` (not a grant, tampered, another server's secret) or `grant-expired`.
 */
export function verifyGrant(secret: string, grant: unknown, now = Date.now()): GrantClaims {
  if (typeof grant !== 'string' || grant.length > MAX_GRANT_LENGTH) throw invalidGrant();
  const parts = grant.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) throw invalidGrant();
  // Compared as text, not decoded: Node's base64url decoder ignores stray characters and spare
  // bits, so two spellings would decode alike.
  const expected = Buffer.from(mac(secret, `${parts[0]}.${parts[1]}`), 'latin1');
  const given = Buffer.from(parts[2]!, 'latin1');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidGrant();
  // Authentic from here on: we wrote these claims.
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { u?: string; c?: string[]; exp: number };
  if (claims.exp * 1000 <= now) throw new PushError('grant-expired', `this grant expired at ${new Date(claims.exp * 1000).toISOString()}: ask the site for a new one`);
  return { ...(claims.u !== undefined ? { user: claims.u } : {}), channels: claims.c ?? [], expiresAt: claims.exp * 1000 };
}

export function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_GRANT_SECRET_LENGTH || /\s/.test(secret)) {
    throw new PushError('invalid-option', `the grant secret must be at least ${MIN_GRANT_SECRET_LENGTH} characters without whitespace`);
  }
}

function mac(secret: string, signed: string): string {
  return createHmac('sha256', secret).update(signed, 'utf8').digest('base64url');
}

function invalidGrant(): PushError {
  return new PushError('grant-invalid', 'this grant is not one this server signed (tampered, truncated or from another server)');
}
