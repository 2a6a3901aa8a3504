import { postPushRequest, type PushAgents } from './post-push-request.js';
import { isPushError, type PushErrorCode } from './push-error.js';
import type { PushOriginGuard } from './push-origin-guard.js';
import type { PushSubscriptionJSON } from './push-request.js';
import type { BuildContext, RequestBuilder } from './request-builder.js';
import type { DeliveryMetrics } from './metrics.js';
import type { VapidAuthorizer } from './vapid-authorization.js';

export interface DeliveryDeps {
  guard: PushOriginGuard;
  authorize: VapidAuthorizer;
  builder: RequestBuilder;
  agents: PushAgents;
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

/** One request for one subscription: guard, encrypt (web-push, cached JWT), POST. Never throws. */
export async function attemptDelivery(subscription: PushSubscriptionJSON, context: BuildContext, deps: DeliveryDeps): Promise<Attempt> {
  let posted: { origin: string; at: number } | null = null;
  try {
    const url = deps.guard(subscription.endpoint);
    const request = await deps.builder.build(context, subscription, deps.authorize(url.origin));
    posted = { origin: url.origin, at: performance.now() };
    const { status, retryAfter } = await postPushRequest(request, deps.agents, deps.timeoutMs);
    deps.metrics?.pushRequest(url.origin, (performance.now() - posted.at) / 1000, status);
    return { status, retryAfter };
  } catch (error) {
    // Classified where it arises: a coded error knows whether it may pass; anything else is a bug,
    // a failure to surface (the caller logs it), not a network error to retry.
    const attempt: Attempt = isPushError(error)
      ? { status: null, retryable: error.retryable, code: error.code, message: error.message }
      : { status: null, retryable: false, code: 'internal-error', message: error instanceof Error ? error.message : String(error) };
    if (posted) deps.metrics?.pushRequest(posted.origin, (performance.now() - posted.at) / 1000, attempt.code);
    return attempt;
  }
}
