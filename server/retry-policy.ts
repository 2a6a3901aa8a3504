/** How often and how long a delivery is retried (spec-notes.md#push-server, retry policy). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** No wait longer than this, `Retry-After` included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 10 * 60_000 };

/** 429, 5xx and no answer at all (timeout, reset) may succeed later; 400, 413 and other 4xx will not. */
export function isRetryable(status: number | null): boolean {
  return status === null || status === 429 || status >= 500;
}

/**
 * Milliseconds before attempt `attempts + 1`: exponential backoff with jitter, but never sooner
 * than the push service's `Retry-After`, and never later than `maxDelayMs`.
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number, retryAfterSeconds: number | null, random: () => number = Math.random): number {
  const backoff = policy.baseDelayMs * 2 ** Math.max(0, attempts - 1) * (0.8 + 0.4 * random());
  const asked = retryAfterSeconds === null ? 0 : retryAfterSeconds * 1000;
  return Math.round(Math.min(policy.maxDelayMs, Math.max(backoff, asked)));
}
