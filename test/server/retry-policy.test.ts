import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../server/retry-after.js';
import { isRetryable, retryDelayMs } from '../../server/retry-policy.js';

const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000, maxRetryAfterMs: 600_000 };

describe('retry policy', () => {
  it('retries 429, 5xx and no answer; not 400, 403, 404, 410, 413', () => {
    expect([429, 500, 502, 503, null].map(isRetryable)).toEqual([true, true, true, true, true]);
    expect([400, 403, 404, 410, 413].map(isRetryable)).toEqual([false, false, false, false, false]);
  });

  it('doubles the backoff up to its cap, and never retries sooner than Retry-After', () => {
    const middle = () => 0.5;
    expect(retryDelayMs(policy, 1, null, middle)).toBe(1000);
    expect(retryDelayMs(policy, 3, null, middle)).toBe(4000);
    expect(retryDelayMs(policy, 1, 30, middle)).toBe(30_000);
    expect(retryDelayMs(policy, 10, null, middle)).toBe(60_000);
    expect(retryDelayMs(policy, 1, 300, middle)).toBe(300_000);
    expect(retryDelayMs(policy, 1, 3600, middle)).toBeNull(); // longer than maxRetryAfterMs: give up
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
