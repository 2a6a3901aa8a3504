import webpush from 'web-push';
import { PushError } from './push-error.js';

export interface VapidDetails {
  /** `mailto:` or `https:` contact for the push service operator (RFC 8292 section 2.1). */
  subject: string;
  publicKey: string;
  privateKey: string;
}

/** Returns the `Authorization` header value for one push-service origin (the JWT audience); throws `invalid-vapid-keys`. */
export type VapidAuthorizer = (audience: string) => string;

/** web-push signs for 12 hours by default; we sign for 12 and reuse for 11 (spec-notes.md#push-server). */
const JWT_LIFETIME_SECONDS = 12 * 3600;
const JWT_REUSE_SECONDS = 11 * 3600;

/**
 * One VAPID JWT per push-service origin, reused until an hour before it expires. web-push's own
 * sendNotification signs a new JWT for every message, which costs more than the encryption.
 * The signing itself is web-push's (`getVapidHeaders`).
 */
export function createVapidAuthorizer(vapid: VapidDetails, now: () => number = Date.now): VapidAuthorizer {
  const cache = new Map<string, { header: string; renewAt: number }>();
  return (audience: string): string => {
    const seconds = Math.floor(now() / 1000);
    const cached = cache.get(audience);
    if (cached && cached.renewAt > seconds) return cached.header;
    let Authorization: string;
    try {
      ({ Authorization } = webpush.getVapidHeaders(audience, vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm', seconds + JWT_LIFETIME_SECONDS));
    } catch (error) {
      // web-push throws plain Errors; its message names the field, never the key itself.
      throw new PushError('invalid-vapid-keys', `cannot sign the VAPID token: ${(error as Error).message}`);
    }
    cache.set(audience, { header: Authorization, renewAt: seconds + JWT_REUSE_SECONDS });
    return Authorization;
  };
}
