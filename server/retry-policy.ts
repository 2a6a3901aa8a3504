/** How often and how long a delivery is retried (spec-notes.md#push-server, retry policy). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** The backoff never grows past this. */
  maxDelayMs: number;
  /** A push service asking to wait longer than this is not retried (retrying sooner would ignore it). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 10 * 60_000, maxRetryAfterMs: 60 * 60_000 };

/** 429, 5xx and no answer at all (timeout, reset) may succeed later; 400, 413 and other 4xx will not. */
export function isRetryable(status: number | null): boolean {
  return status === null || status === 429 || status >= 500;
}

/**
 * Milliseconds before attempt `attempts + 1`: exponential backoff with jitter (at most
 * `maxDelayMs`), but never sooner than the push service's `Retry-After`; null when that asks for
 * longer than `maxRetryAfterMs` (give up rather than disregard it).
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number, retryAfterSeconds: number | null, random: () => number = Math.random): number | null {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1) * (0.8 + 0.4 * random()));
  const asked = retryAfterSeconds === null ? 0 : retryAfterSeconds * 1000;
  return asked > policy.maxRetryAfterMs ? null : Math.round(Math.max(backoff, asked));
}
