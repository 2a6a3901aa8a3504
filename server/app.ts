import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { describeFinding } from '../src/describe-finding.js';
import { DEFAULT_LINT_BASE_URL, lintPayload, lintValue } from '../src/lint-message.js';
import { isAdminAuthorization } from './admin-token.js';
import { apiError, inputError, readJsonObject } from './api-error.js';
import { clientRateLimit, DEFAULT_CLIENT_RATE_LIMIT, type ClientRateLimitOptions } from './client-rate-limit.js';
import type { BroadcastEngine } from './broadcast-engine.js';
import { canonicalEndpoint } from './canonical-endpoint.js';
import { preparePayload } from './prepare-payload.js';
import type { PushOriginGuard } from './push-origin-guard.js';
import { checkPushRequestOptions, DEFAULT_TTL, type PushRequestOptions } from './push-request.js';
import { mountStaticFiles, type StaticDirs } from './static-files.js';
import type { Store } from './store/store.js';
import { acceptSubscription, isChannelName } from './subscription-input.js';

export interface AppOptions extends StaticDirs {
  store: Store;
  engine: BroadcastEngine;
  guard: PushOriginGuard;
  vapidPublicKey: string;
  /** SHA-256 of the admin token (admin-token.ts). */
  adminTokenHash: Buffer;
  /** The open routes' budget per client (default: 120 a minute, the socket's address). */
  clientRateLimit?: ClientRateLimitOptions;
  /** What this process does (`--role`), reported by /api/health. */
  role?: ServerRole;
}

export type ServerRole = 'all' | 'api' | 'worker';

/** Subscriptions are small; a message is at most 3993 bytes once serialized, plus its envelope. */
const SUBSCRIPTION_BODY_LIMIT = 4 * 1024;
const MESSAGE_BODY_LIMIT = 32 * 1024;
/**
 * The lint route answers at most this many findings (the first, in document order) and says how
 * many it left out: without it, 32 KB of `[1,1,...]` actions made a 4.9 MB answer.
 */
export const LINT_MAX_FINDINGS = 100;
/**
 * What bounds the lint route's CPU: the linter's work grows with the message, and a message over
 * 3993 bytes cannot be sent anyway, so twice that (and JSON escaping) is enough to be told so.
 */
export const LINT_BODY_LIMIT = 8 * 1024;

/** The push server's HTTP API (README.md#push-server), testable with `app.request()`. */
export function createApp(options: AppOptions): Hono {
  const { store, engine, guard } = options;
  const app = new Hono();
  // Routes anyone may call (browsers subscribe without credentials): one budget per client address.
  const open = clientRateLimit(options.clientRateLimit ?? { perMinute: DEFAULT_CLIENT_RATE_LIMIT });
  const limit = (maxSize: number) => bodyLimit({
    maxSize,
    onError: (c) => apiError(c, 'body-too-large', `request bodies here are at most ${maxSize} bytes`),
  });
  const admin = createMiddleware(async (c, next) => {
    if (!isAdminAuthorization(c.req.header('Authorization'), options.adminTokenHash)) {
      c.header('WWW-Authenticate', 'Bearer');
      return apiError(c, 'unauthorized', 'this needs the admin token: Authorization: Bearer <token>');
    }
    await next();
  });

  app.get('/api/vapid-public-key', (c) => c.json({ publicKey: options.vapidPublicKey }));

  app.post('/api/subscriptions', open, limit(SUBSCRIPTION_BODY_LIMIT), async (c) => {
    const body = await readJsonObject(c);
    if (!body) return apiError(c, 'invalid-json', 'the body must be a JSON object {"subscription": {...}, "channels"?: [...]}');
    try {
      const { subscription, origin, channels } = acceptSubscription(body.subscription, body.channels, guard);
      await store.saveSubscription(subscription, origin, channels);
      return c.json({ endpoint: subscription.endpoint, channels }, 201);
    } catch (error) {
      return inputError(c, error);
    }
  });

  app.delete('/api/subscriptions', open, limit(SUBSCRIPTION_BODY_LIMIT), async (c) => {
    const body = await readJsonObject(c);
    if (!body || typeof body.endpoint !== 'string') return apiError(c, 'invalid-json', 'the body must be a JSON object {"endpoint": "..."}');
    await store.deleteSubscription(canonicalEndpoint(body.endpoint)?.href ?? body.endpoint);
    return c.body(null, 204);
  });

  app.post('/api/notifications', admin, limit(MESSAGE_BODY_LIMIT), async (c) => {
    const body = await readJsonObject(c);
    if (!body) return apiError(c, 'invalid-json', 'the body must be a JSON object {"message": {...}, "legacy"?: {...}, "channel"?, "ttl"?, "urgency"?, "topic"?}');
    if (body.channel !== undefined && !isChannelName(body.channel)) {
      return apiError(c, 'invalid-option', 'channel must be a name of 1 to 64 characters (A-Z a-z 0-9 . _ : -)', { option: 'channel' });
    }
    try {
      const options = { ttl: body.ttl ?? DEFAULT_TTL, urgency: body.urgency, topic: body.topic } as PushRequestOptions & { ttl: number };
      checkPushRequestOptions(options);
      const bytes = preparePayload(body.message, { legacy: body.legacy });
      const id = await store.createBroadcast(bytes, { ...options, channel: body.channel as string | undefined });
      await engine.enqueue(id);
      return c.json({ id }, 202);
    } catch (error) {
      return inputError(c, error);
    }
  });

  app.get('/api/notifications/:id', admin, async (c) => {
    const b = await store.getBroadcast(c.req.param('id'));
    if (!b) return apiError(c, 'not-found', 'no broadcast has this id');
    const { id, status, total, sent, failed, gone, pending, problems, failures, error } = b;
    return c.json({ id, status, total, sent, failed, gone, pending, problems, failures, ...(error ? { error } : {}) });
  });

  app.post('/api/lint', open, limit(LINT_BODY_LIMIT), async (c) => {
    const body = await readJsonObject(c);
    if (!body || !('message' in body)) return apiError(c, 'invalid-json', 'the body must be a JSON object {"message": ..., "profile"?: "spec" | "portable", "baseURL"?: "https://..."}');
    const profile = body.profile ?? 'portable';
    if (profile !== 'spec' && profile !== 'portable') return apiError(c, 'invalid-option', 'profile must be "spec" or "portable"', { option: 'profile' });
    // The page's subscription scope: relative URLs are explained against it, not a placeholder origin.
    const baseURL = body.baseURL ?? DEFAULT_LINT_BASE_URL;
    if (typeof baseURL !== 'string' || !URL.canParse(baseURL)) return apiError(c, 'invalid-option', 'baseURL must be an absolute URL', { option: 'baseURL' });
    const lintOptions = { profile, baseURL } as const;
    const result = typeof body.message === 'string' ? lintPayload(body.message, lintOptions) : lintValue(body.message, lintOptions);
    const shown = result.findings.slice(0, LINT_MAX_FINDINGS);
    const omitted = result.findings.length - shown.length;
    return c.json({ ...result, findings: shown.map((f) => ({ ...f, ...describeFinding(f) })), ...(omitted > 0 ? { omitted } : {}) });
  });

  mountHealth(app, store, options.role ?? 'all');
  app.all('/api/*', (c) => apiError(c, 'not-found', `no API route ${c.req.method} ${c.req.path}`));
  mountStaticFiles(app, options);
  app.notFound((c) => apiError(c, 'not-found', 'not found'));
  app.onError((error, c) => {
    // An unexpected failure: the client learns nothing internal.
    console.error(`internal error on ${c.req.method} ${c.req.path}: ${error.message}`);
    return apiError(c, 'internal-error', 'the server failed to handle this request');
  });
  return app;
}

/** What a `--role worker` process serves: only its readiness. */
export function createHealthApp(store: Store, role: ServerRole): Hono {
  const app = new Hono();
  mountHealth(app, store, role);
  app.notFound((c) => apiError(c, 'not-found', 'a worker process serves only /api/health'));
  return app;
}

/**
 * Readiness for a load balancer or an orchestrator: 200 while the database answers, 503 while it
 * does not (the process keeps running and reconnects; spec-notes.md#push-server, scale-out).
 */
function mountHealth(app: Hono, store: Store, role: ServerRole): void {
  app.get('/api/health', async (c) => {
    const database = await store.ping();
    return c.json({ status: database ? 'ready' : 'unavailable', role, database: database ? 'up' : 'down' }, database ? 200 : 503);
  });
}
