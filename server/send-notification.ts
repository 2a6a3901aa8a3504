import { createPushConnections, type PushConnections } from './push-connections.js';
import { preparePayload } from './prepare-payload.js';
import { createPushOriginGuard, type PushOriginGuard } from './push-origin-guard.js';
import { buildPushRequest, type PushRequestOptions, type PushSubscriptionJSON } from './push-request.js';
import { createVapidAuthorizer, type VapidAuthorizer, type VapidDetails } from './vapid-authorization.js';

export interface SendOptions extends PushRequestOptions {
  /** VAPID keys, or an authorizer that caches the JWT across sends (`createVapidAuthorizer`). */
  vapid: VapidDetails | VapidAuthorizer;
  /** Connections to share across sends (`createPushConnections`); a shared set otherwise. */
  connections?: PushConnections;
  timeoutMs?: number;
  /** Which endpoints may be contacted; by default only the known push services over https. */
  guard?: PushOriginGuard;
  /** Resolves relative URLs in the message. */
  baseURL?: string;
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
 * Sends one declarative message to one subscription. The message (standard, or the 2023 explainer
 * converted) is checked with the `portable` profile and sent in its portable form with
 * `Content-Type: application/notification+json`. Any HTTP answer resolves; thrown errors carry a
 * `code` (`invalid-message`, `payload-too-large`, `invalid-subscription`, `invalid-option`,
 * `push-origin-not-allowed`, `timeout`, `network-error`).
 */
export async function sendNotification(subscription: PushSubscriptionJSON, message: unknown, options: SendOptions): Promise<SendResult> {
  const bytes = preparePayload(message, options.baseURL === undefined ? {} : { baseURL: options.baseURL });
  const url = (options.guard ?? createPushOriginGuard())(subscription?.endpoint);
  const authorize = typeof options.vapid === 'function' ? options.vapid : createVapidAuthorizer(options.vapid);
  const request = buildPushRequest(subscription, bytes, authorize(url.origin), options);
  const connections = options.connections ?? (sharedConnections ??= createPushConnections());
  const response = await connections.post(request, options.timeoutMs);
  return toSendResult(response.status, response.retryAfter);
}

function toSendResult(status: number, retryAfter: number | null): SendResult {
  return { status, ok: status >= 200 && status < 300, gone: status === 404 || status === 410, retryAfter };
}
