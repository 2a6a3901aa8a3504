import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ErrorCodeEntry {
  /** The HTTP status of an API answer with this code (what a server-side failure maps to, too). */
  status: ContentfulStatusCode;
  /** Whether doing the same again later may succeed: a delivery with a retryable error is retried. */
  retryable: boolean;
  /** What the code means, for people; each error's own message says what exactly happened. */
  message: string;
}

/**
 * Every error code the server and the CLI give, in one table (spec-notes.md#error-codes): API
 * answers take their status from it, the broadcast engine retries exactly the retryable ones, and
 * the README lists it. Like Workbox's messages map: the code is the contract, the prose is here.
 */
export const ERROR_CODES = {
  // Input: the caller can fix it, retrying the same never helps.
  'bad-request': { status: 400, retryable: false, message: 'the request is not valid HTTP' },
  'headers-too-large': { status: 431, retryable: false, message: 'the request headers are over the size limit' },
  'request-timeout': { status: 408, retryable: true, message: 'the request did not arrive in time' },
  'invalid-json': { status: 400, retryable: false, message: 'the request body is not the JSON object this route takes' },
  'invalid-message': { status: 400, retryable: false, message: 'the message is not a valid declarative push message' },
  'payload-too-large': { status: 413, retryable: false, message: 'the message does not fit one push record' },
  'body-too-large': { status: 413, retryable: false, message: 'the request body is over the limit of this route' },
  'invalid-subscription': { status: 400, retryable: false, message: 'the subscription is not what PushSubscription.toJSON() gives' },
  'invalid-option': { status: 400, retryable: false, message: 'an option or flag has a value it cannot take' },
  'push-origin-not-allowed': { status: 400, retryable: false, message: 'the endpoint is not on a push service this server may contact' },
  'unknown-member': { status: 400, retryable: false, message: 'the request body has a member this route does not take (refused, never ignored: a misspelt target must not become a broadcast)' },
  // Audiences (spec-notes.md#grants): a permission refused, nothing stored.
  'grant-invalid': { status: 403, retryable: false, message: 'the grant is not one this server signed (tampered, truncated, or signed with another secret)' },
  'grant-expired': { status: 403, retryable: false, message: 'the grant has expired: the site mints a new one' },
  'channel-not-allowed': { status: 403, retryable: false, message: 'the channel is neither public nor named by the grant' },
  'already-finished': { status: 409, retryable: false, message: 'the broadcast is already done, failed, cancelled or expired' },
  'unauthorized': { status: 401, retryable: false, message: 'the route needs the admin token' },
  'not-found': { status: 404, retryable: false, message: 'no such route or resource' },
  'rate-limited': { status: 429, retryable: true, message: 'too many requests from this client; wait as Retry-After says' },
  // The push service: no answer yet may come later.
  'timeout': { status: 504, retryable: true, message: 'the push service did not answer in time' },
  'network-error': { status: 502, retryable: true, message: 'the push service could not be reached, or the connection broke' },
  'push-service-unresponsive': { status: 503, retryable: true, message: 'not sent: the push service stopped answering, so its deliveries wait a while' },
  'server-error': { status: 502, retryable: false, message: 'the server answered with an error' },
  // The server itself.
  'invalid-vapid-keys': { status: 500, retryable: false, message: 'the VAPID keys are missing, damaged or not P-256' },
  'data-dir-unusable': { status: 500, retryable: false, message: 'the data directory cannot be used' },
  'database-unusable': { status: 503, retryable: true, message: 'the database cannot be reached or its schema is not one this release knows' },
  'missing-dependency': { status: 500, retryable: false, message: 'an optional package the chosen store needs is not installed' },
  'listen-failed': { status: 500, retryable: false, message: 'the server cannot listen on this address and port' },
  'shutting-down': { status: 503, retryable: true, message: 'the server is stopping; the delivery stays pending for the next start' },
  'internal-error': { status: 500, retryable: false, message: 'a bug: an exception no code path expects (its message is logged)' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;
