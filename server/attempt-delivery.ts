import { ERROR_CODES } from './error-codes.js';
import type { LaneWork, SendFeedback } from './origin-lanes.js';
import type { PushConnections } from './push-connections.js';
import { isPushError, type PushErrorCode } from './push-error.js';
import type { PushOriginGuard } from './push-origin-guard.js';
import type { PushRequest, PushSubscriptionJSON } from './push-request.js';
import type { BuildContext, RequestBuilder } from './request-builder.js';
import type { DeliveryMetrics } from './metrics.js';
import type { VapidAuthorizer } from './vapid-authorization.js';

export interface DeliveryDeps {
  guard: PushOriginGuard;
  authorize: VapidAuthorizer;
  builder: RequestBuilder;
  connections: PushConnections;
  timeoutMs?: number;
  metrics?: DeliveryMetrics;
}

/**
 * The push service's answer, or why there was none: a coded error (error-codes.ts says whether it
 * is retryable: a timeout or a broken connection is) with its message.
 */
export type Attempt =
  | { status: number; retryAfter: number | null }
  | { status: null; retryable: boolean; code: PushErrorCode; message: string };

/**
 * One message to many subscriptions as lane work: guard and encrypt (web-push, cached JWT) ahead of
 * the network, then POST; every outcome goes to `report`, once per item, including an item handed
 * back unsent while its push service is paused for silence (`push-service-unresponsive`).
 */
export function deliveryWork<T extends PushSubscriptionJSON>(context: BuildContext, deps: DeliveryDeps, report: (item: T, attempt: Attempt) => void): LaneWork<T, PushRequest> {
  return {
    // Not sent: counted as an attempt, so deliveries to a push service that never answers again end as failed.
    defer: (item) => report(item, { status: null, retryable: true, code: 'push-service-unresponsive', message: ERROR_CODES['push-service-unresponsive'].message }),
    async prepare(item) {
      try {
        const url = deps.guard(item.endpoint);
        return await deps.builder.build(context, item, deps.authorize(url.origin));
      } catch (error) {
        report(item, failed(error));
        return null;
      }
    },
    async send(item, request) {
      const started = performance.now();
      let attempt: Attempt;
      try {
        const { status, retryAfter } = await deps.connections.post(request, deps.timeoutMs);
        attempt = { status, retryAfter };
      } catch (error) {
        attempt = failed(error);
      }
      deps.metrics?.pushRequest(new URL(request.endpoint).origin, (performance.now() - started) / 1000, attempt.status ?? attempt.code);
      report(item, attempt);
      return feedback(attempt, performance.now() - started);
    },
  };
}

/**
 * Classified where it arises: a coded error knows whether it may pass; anything else is a bug, a
 * failure to surface (the caller logs it), not a network error to retry.
 */
function failed(error: unknown): Attempt {
  if (isPushError(error)) return { status: null, retryable: error.retryable, code: error.code, message: error.message };
  return { status: null, retryable: false, code: 'internal-error', message: error instanceof Error ? error.message : String(error) };
}

/**
 * 429 and 503 ask for less; so does silence. Their `Retry-After` is honoured per delivery by the
 * retry policy, not by pausing the push service: a 429 is often about one subscription.
 */
function feedback(attempt: Attempt, latencyMs: number): SendFeedback {
  if (attempt.status === null) return { latencyMs: null, congested: attempt.retryable };
  return { latencyMs, congested: attempt.status === 429 || attempt.status === 503 };
}
