import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import { apiError } from './api-error.js';

export interface ClientRateLimitOptions {
  /** Requests per minute per client address, over every route the middleware is on; 0 turns it off. */
  perMinute: number;
  /** Behind one reverse proxy: the client is the last address in `X-Forwarded-For`, the one the proxy added. */
  trustProxy?: boolean;
}

export const DEFAULT_CLIENT_RATE_LIMIT = 120;
const WINDOW_MS = 60_000;

/**
 * One budget of requests per client address, shared by every route it is put on (the open ones:
 * subscribe, unsubscribe, lint); over it, 429 `rate-limited` with `Retry-After`. hono-rate-limiter
 * counts in fixed one-minute windows in memory. An IPv6 client is counted by its /64, the block one
 * host is usually given (spec-notes.md#push-server, bounded open routes).
 */
export function clientRateLimit({ perMinute, trustProxy = false }: ClientRateLimitOptions): MiddlewareHandler {
  if (perMinute === 0) return async (_c, next) => next();
  return rateLimiter({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => clientKey(c, trustProxy),
    handler: (c) => {
      const { resetTime } = c.get('rateLimit' as never) as { resetTime?: Date };
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + WINDOW_MS) - Date.now()) / 1000));
      return apiError(c, 'rate-limited', `more than ${perMinute} requests a minute from this address: retry after ${retryAfter} s`, { limit: perMinute, retryAfter });
    },
  });
}

/** The client's address as the socket (or, trusted, the proxy) gives it; IPv6 cut to its /64. */
export function clientKey(c: Context, trustProxy: boolean): string {
  const forwarded = trustProxy ? c.req.header('X-Forwarded-For')?.split(',').at(-1)?.trim() : undefined;
  const address = forwarded || (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress || 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (v4) return v4;
  if (isIP(address) !== 6) return address;
  return expandIPv6(address).slice(0, 4).join(':');
}

function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => group.replace(/^0+(?=.)/, '').toLowerCase());
}
