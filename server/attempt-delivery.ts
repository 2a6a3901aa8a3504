import { postPushRequest, type PushAgents } from './post-push-request.js';
import { isPushError, type PushErrorCode } from './push-error.js';
import type { PushOriginGuard } from './push-origin-guard.js';
import type { PushSubscriptionJSON } from './push-request.js';
import type { BuildContext, RequestBuilder } from './request-builder.js';
import type { VapidAuthorizer } from './vapid-authorization.js';

export interface DeliveryDeps {
  guard: PushOriginGuard;
  authorize: VapidAuthorizer;
  builder: RequestBuilder;
  agents: PushAgents;
  timeoutMs?: number;
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
  try {
    const url = deps.guard(subscription.endpoint);
    const request = await deps.builder.build(context, subscription, deps.authorize(url.origin));
    const { status, retryAfter } = await postPushRequest(request, deps.agents, deps.timeoutMs);
    return { status, retryAfter };
  } catch (error) {
    // Classified where it arises: a coded error knows whether it may pass; anything else is a bug,
    // a failure to surface (the caller logs it), not a network error to retry.
    if (isPushError(error)) return { status: null, retryable: error.retryable, code: error.code, message: error.message };
    return { status: null, retryable: false, code: 'internal-error', message: error instanceof Error ? error.message : String(error) };
  }
}
