import { createPushConnections, type PushConnections } from './push-connections.js';
import { preparePayload } from './prepare-payload.js';
import { createPushOriginGuard, type PushOriginGuard } from './push-origin-guard.js';
import { buildPushRequest, type PushRequest, type PushRequestOptions, type PushSubscriptionJSON } from './push-request.js';
import { createVapidAuthorizer, type VapidAuthorizer, type VapidDetails } from './vapid-authorization.js';

export interface RequestOptions extends PushRequestOptions {
  /** VAPID keys, or an authorizer that caches the JWT across sends (`createVapidAuthorizer`). */
  vapid: VapidDetails | VapidAuthorizer;
  /** Which endpoints may be contacted; by default only the known push services over https. */
  guard?: PushOriginGuard;
  /** Resolves relative URLs in the message. */
  baseURL?: string;
  /** Top-level members for service workers without the polyfill: sends a hybrid payload (spec-notes.md#hybrid-payloads). */
  legacy?: Record<string, unknown>;
}

export interface SendOptions extends RequestOptions {
  /** Connections to share across sends (`createPushConnections`); a shared set otherwise. */
  connections?: PushConnections;
  timeoutMs?: number;
}

export interface SendResult {
  status: number;
  ok: boolean;
  /** The subscription no longer exists (404, 410): delete it. */
  gone: boolean;
  /** Seconds the push service asks to wait (429, 503), or null. */
  retryAfter: number | null;
}

let sharedConnections: PushConnections | undefined;

/**
 * The RFC 8030 request that sends one declarative message to one subscription, without sending it
 * (as web-push's `generateRequestDetails`): POST `body` with `headers` to `endpoint` with any HTTP
 * client. The message (standard, or the 2023 explainer converted) is checked with the `portable`
 * profile and encrypted in its portable form with `Content-Type: application/notification+json`.
 * Throws errors with a `code` (`invalid-message`, `payload-too-large`, `invalid-subscription`,
 * `invalid-option`, `push-origin-not-allowed`).
 */
export function buildNotificationRequest(subscription: PushSubscriptionJSON, message: unknown, options: RequestOptions): PushRequest {
  const bytes = preparePayload(message, { baseURL: options.baseURL, legacy: options.legacy });
  const url = (options.guard ?? createPushOriginGuard())(subscription?.endpoint);
  const authorize = typeof options.vapid === 'function' ? options.vapid : createVapidAuthorizer(options.vapid);
  return buildPushRequest(subscription, bytes, authorize(url.origin), options);
}

/**
 * Sends one declarative message to one subscription: `buildNotificationRequest`, then one POST (HTTP/2
 * where the push service speaks it, else keep-alive HTTP/1.1). Any HTTP answer resolves; thrown errors carry a `code` (those above, `timeout`,
 * `network-error`).
 */
export async function sendNotification(subscription: PushSubscriptionJSON, message: unknown, options: SendOptions): Promise<SendResult> {
  const request = buildNotificationRequest(subscription, message, options);
  const connections = options.connections ?? (sharedConnections ??= createPushConnections());
  const response = await connections.post(request, options.timeoutMs);
  return toSendResult(response.status, response.retryAfter);
}

function toSendResult(status: number, retryAfter: number | null): SendResult {
  return { status, ok: status >= 200 && status < 300, gone: status === 404 || status === 410, retryAfter };
}
