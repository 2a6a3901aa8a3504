import { createPublicKey, verify } from 'node:crypto';

/** Why a push service refuses a request's VAPID authorization (RFC 8292), or null when it passes. */
export type VapidRefusal = 'missing' | 'malformed' | 'signature' | 'audience' | 'expiry' | 'subject' | 'key';

/**
 * Checks an `Authorization: vapid t=JWT, k=KEY` header as a push service does (RFC 8292 §3-4):
 * an ES256 JWT signed by KEY, `aud` the push service's origin, `exp` in the future and at most
 * 24 h away, `sub` (when present) a `mailto:` or `https:` URL, and KEY the application server key
 * the subscription was made with (`registeredKey`, base64url with or without padding; null when
 * the subscription is not restricted to one key).
 */
export function verifyVapid(header: string | undefined, audience: string, registeredKey: string | null, now = Date.now()): VapidRefusal | null {
  if (!header) return 'missing';
  const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+),\s*k=([\w-]+=*)$/i.exec(header.trim());
  if (!match) return 'malformed';
  const [, head, body, signature, key] = match as unknown as [string, string, string, string, string];
  const point = Buffer.from(key, 'base64url');
  let header64: { alg?: unknown };
  let claims: { aud?: unknown; exp?: unknown; sub?: unknown };
  try {
    header64 = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return 'malformed';
  }
  if (header64.alg !== 'ES256' || point.length !== 65 || point[0] !== 4) return 'malformed';
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const signed = Buffer.from(`${head}.${body}`);
  if (!verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) return 'signature';
  if (claims.aud !== audience) return 'audience';
  const seconds = now / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= seconds || claims.exp > seconds + 24 * 3600) return 'expiry';
  if (claims.sub !== undefined && (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub))) return 'subject';
  if (registeredKey !== null && !Buffer.from(registeredKey, 'base64url').equals(point)) return 'key';
  return null;
}
