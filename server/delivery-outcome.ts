import type { Attempt } from './attempt-delivery.js';
import { isRetryable, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import type { DeliveryOutcome } from './store/store.js';

/**
 * What an answer means for a delivery on its `attempts`-th attempt: final, or pending with a retry
 * delay. `stopping`: the process is shutting down, so a request without an answer was cut off.
 */
export function deliveryOutcome(subscriptionId: number, attempts: number, attempt: Attempt, retry: RetryPolicy, stopping = false): DeliveryOutcome {
  const { status } = attempt;
  const base = { subscriptionId, attempts, retryInMs: 0, lastStatus: status, lastError: status === null ? attempt.code : null };
  // Cut off by shutdown (spec-notes.md#push-server, shutdown): not the push service's failure; sent again at the next start.
  if (status === null && stopping) return { ...base, lastError: 'shutting-down', state: 'pending' };
  if (status === null && !attempt.retryable) return { ...base, state: 'failed' };
  if (status !== null && status >= 200 && status < 300) return { ...base, state: 'sent' };
  if (status === 404 || status === 410) return { ...base, state: 'gone' };
  if (isRetryable(status) && attempts < retry.maxAttempts) {
    const delay = retryDelayMs(retry, attempts, 'retryAfter' in attempt ? attempt.retryAfter : null);
    if (delay !== null) return { ...base, state: 'pending', retryInMs: delay };
  }
  return { ...base, state: 'failed' };
}
