import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: what `dwpush serve` generates when DWP_ADMIN_TOKEN is not set. */
export function generateAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this hash is stored: a stolen data directory does not give the token away. */
export function hashAdminToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Compares a `Authorization: Bearer ...` header with the token's hash in constant time (both
 * sides hashed first, so neither the length nor a prefix leaks).
 */
export function isAdminAuthorization(header: string | undefined, tokenHash: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return timingSafeEqual(hashAdminToken(match?.[1] ?? ''), tokenHash) && match !== null;
}
