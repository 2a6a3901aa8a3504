import webpush from 'web-push';
import { NOTIFICATION_JSON_MEDIA_TYPE } from '../src/constants.js';
import { PushError } from './push-error.js';

export interface PushSubscriptionJSON {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export type Urgency = 'very-low' | 'low' | 'normal' | 'high';
const URGENCIES: readonly Urgency[] = ['very-low', 'low', 'normal', 'high'];

export interface PushRequestOptions {
  /** Seconds the push service keeps the message for an offline device (RFC 8030 section 5.2). */
  ttl?: number;
  urgency?: Urgency;
  /** Replaces an undelivered message with the same topic (RFC 8030 section 5.4): at most 32 base64url characters. */
  topic?: string;
}

export interface PushRequest {
  endpoint: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Four weeks, web-push's default and the longest most push services keep a message. */
export const DEFAULT_TTL = 2419200;

/**
 * The RFC 8030 request for one subscription: encrypted (aes128gcm, RFC 8291) and laid out by
 * web-push's `generateRequestDetails`, with our cached VAPID `Authorization`, and the explainer's
 * `Content-Type: application/notification+json` where web-push puts `application/octet-stream`
 * (spec-notes.md#push-server). Throws `invalid-subscription` or `invalid-option`.
 */
export function buildPushRequest(
  subscription: PushSubscriptionJSON,
  payload: Uint8Array | string,
  authorization: string,
  options: PushRequestOptions = {},
): PushRequest {
  checkPushRequestOptions(options);
  let details: webpush.RequestDetails;
  try {
    details = webpush.generateRequestDetails(subscription, Buffer.from(payload as Uint8Array), {
      vapidDetails: null as unknown as undefined, // no signing here: the cached JWT comes in as a header
      headers: { Authorization: authorization },
      TTL: options.ttl ?? DEFAULT_TTL,
      ...(options.urgency ? { urgency: options.urgency } : {}),
      ...(options.topic ? { topic: options.topic } : {}),
    });
  } catch (error) {
    throw new PushError('invalid-subscription', `cannot encrypt for this subscription: ${(error as Error).message}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
  headers['Content-Type'] = NOTIFICATION_JSON_MEDIA_TYPE;
  return { endpoint: details.endpoint, headers, body: details.body as unknown as Uint8Array };
}

export function checkPushRequestOptions({ ttl, urgency, topic }: PushRequestOptions): void {
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0 && ttl <= 2 ** 31 - 1)) {
    throw new PushError('invalid-option', `ttl must be a whole number of seconds, got ${JSON.stringify(ttl)}`, { option: 'ttl' });
  }
  if (urgency !== undefined && !URGENCIES.includes(urgency)) {
    throw new PushError('invalid-option', `urgency must be one of ${URGENCIES.join(', ')}, got ${JSON.stringify(urgency)}`, { option: 'urgency' });
  }
  if (topic !== undefined && !(typeof topic === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(topic))) {
    throw new PushError('invalid-option', `topic must be 1 to 32 base64url characters (A-Z a-z 0-9 - _), got ${JSON.stringify(topic)}`, { option: 'topic' });
  }
}
