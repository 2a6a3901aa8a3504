import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { describeFinding } from '../src/describe-finding.js';
import { DEFAULT_LINT_BASE_URL, lintPayload, lintValue } from '../src/lint-message.js';
import { isAdminAuthorization } from './admin-token.js';
import { apiError, inputError } from './api-error.js';
import { clientRateLimit, DEFAULT_CLIENT_RATE_LIMIT, type ClientRateLimitOptions } from './client-rate-limit.js';
import type { BroadcastEngine } from './broadcast-engine.js';
import { broadcastView } from './broadcast-view.js';
import { canonicalEndpoint } from './canonical-endpoint.js';
import { mountDemoGrant } from './demo-grant.js';
import { isUserName, mintGrant, verifyGrant } from './grant.js';
import type { ServerMetrics } from './metrics.js';
import { readSendAt, readTarget } from './notification-input.js';
import { preparePayload } from './prepare-payload.js';
import type { PushOriginGuard } from './push-origin-guard.js';
import { checkPushRequestOptions, DEFAULT_TTL, type PushRequestOptions } from './push-request.js';
import { readBody } from './request-body.js';
import { mountStaticFiles, type StaticDirs } from './static-files.js';
import type { Store } from './store/store.js';
import { subscriptionAccess } from './subscription-access.js';
import { acceptSubscription, readChannels } from './subscription-input.js';

export interface AppOptions extends StaticDirs {
  store: Store;
  engine: BroadcastEngine;
  guard: PushOriginGuard;
  vapidPublicKey: string;
  /** SHA-256 of the admin token (admin-token.ts). */
  adminTokenHash: Buffer;
  /** Signs and checks grants (grant.ts); never sent anywhere. */
  grantSecret: string;
  /** Channels any browser may join without a grant (`--public-channel`). */
  publicChannels?: readonly string[];
  metrics?: ServerMetrics;
  /** The open routes' budget per client (default: 120 a minute, the socket's address). */
  clientRateLimit?: ClientRateLimitOptions;
  /** What this process does (`--role`), reported by /api/health. */
  role?: ServerRole;
}

export type ServerRole = 'all' | 'api' | 'worker';

/** A subscription plus a grant (up to about 3 KB for 32 channels) fits; a message is at most 3993 bytes once serialized, plus its envelope. */
const SUBSCRIPTION_BODY_LIMIT = 8 * 1024;
const MESSAGE_BODY_LIMIT = 32 * 1024;
const LIST_LIMIT = { default: 20, max: 100 };
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

  const publicChannels = new Set(options.publicChannels ?? []);
  const userParam = (user: string) => isUserName(user) ? null : 'user must be 1 to 128 characters (A-Z a-z 0-9 . _ : @ + -)';

  // 429s from the client rate limit, counted by the route that answered (its pattern, never a client's path).
  app.use('*', async (c, next) => {
    await next();
    if (c.res.status === 429) options.metrics?.rateLimited(`${c.req.method} ${routePath(c)}`);
  });

  app.get('/api/vapid-public-key', (c) => c.json({ publicKey: options.vapidPublicKey }));

  app.post('/api/grants', admin, limit(SUBSCRIPTION_BODY_LIMIT), async (c) => {
    const body = await readBody(c, ['user', 'channels', 'ttl']);
    if (body instanceof Response) return body;
    try {
      return c.json(mintGrant(options.grantSecret, body as { user?: string; channels?: string[]; ttl?: number }), 201);
    } catch (error) {
      return inputError(c, error);
    }
  });

  app.post('/api/subscriptions', open, limit(SUBSCRIPTION_BODY_LIMIT), async (c) => {
    const body = await readBody(c, ['subscription', 'channels', 'grant']);
    if (body instanceof Response) return body;
    try {
      // Stored as the guard's canonical URL: one push resource, one row, however it was spelled.
      const { subscription, origin } = acceptSubscription(body.subscription, undefined, guard);
      const requested = body.channels === undefined ? undefined : readChannels(body.channels);
      const grant = body.grant === undefined ? null : verifyGrant(options.grantSecret, body.grant);
      const { user, channels } = subscriptionAccess(grant, requested, publicChannels);
      await store.saveSubscription(subscription, origin, channels, user);
      return c.json({ endpoint: subscription.endpoint, channels, ...(user !== null ? { user } : {}) }, 201);
    } catch (error) {
      return inputError(c, error);
    }
  });

  app.delete('/api/subscriptions', open, limit(SUBSCRIPTION_BODY_LIMIT), async (c) => {
    const body = await readBody(c, ['endpoint']);
    if (body instanceof Response) return body;
    if (typeof body.endpoint !== 'string') return apiError(c, 'invalid-json', 'the body must be a JSON object {"endpoint": "..."}');
    await store.deleteSubscription(canonicalEndpoint(body.endpoint)?.href ?? body.endpoint);
    return c.body(null, 204);
  });

  app.get('/api/users/:user/subscriptions', admin, async (c) => {
    const user = c.req.param('user');
    const bad = userParam(user);
    if (bad) return apiError(c, 'invalid-option', bad, { option: 'user' });
    const subscriptions = (await store.userSubscriptions(user)).map((s) => ({
      id: s.id, pushService: s.pushService, channels: s.channels, createdAt: new Date(s.createdAt).toISOString(),
      lastOutcome: s.lastOutcome && { ...s.lastOutcome, at: new Date(s.lastOutcome.at).toISOString() },
    }));
    return c.json({ user, subscriptions });
  });

  app.delete('/api/users/:user', admin, async (c) => {
    const user = c.req.param('user');
    const bad = userParam(user);
    if (bad) return apiError(c, 'invalid-option', bad, { option: 'user' });
    return c.json({ user, deleted: await store.deleteUser(user) });
  });

  app.get('/api/channels', admin, async (c) => c.json(await store.channelCounts()));

  app.post('/api/notifications', admin, limit(MESSAGE_BODY_LIMIT), async (c) => {
    const body = await readBody(c, ['message', 'legacy', 'user', 'users', 'channel', 'channels', 'ttl', 'urgency', 'topic', 'send_at']);
    if (body instanceof Response) return body;
    try {
      const target = readTarget(body);
      const sendAt = readSendAt(body.send_at);
      const options = { ttl: body.ttl ?? DEFAULT_TTL, urgency: body.urgency, topic: body.topic } as PushRequestOptions & { ttl: number };
      checkPushRequestOptions(options);
      const bytes = preparePayload(body.message, { legacy: body.legacy });
      const id = await store.createBroadcast(bytes, { ...options, target, sendAt });
      await engine.enqueue(id);
      return c.json({ id }, 202);
    } catch (error) {
      return inputError(c, error);
    }
  });

  app.get('/api/notifications', admin, async (c) => {
    const unknown = Object.keys(c.req.query()).find((name) => name !== 'limit' && name !== 'before');
    if (unknown !== undefined) return apiError(c, 'unknown-member', `"${unknown}" is not a parameter here; it takes limit and before`, { member: unknown });
    const limitParam = c.req.query('limit') ?? String(LIST_LIMIT.default);
    const count = Number(limitParam);
    if (!/^\d+$/.test(limitParam) || count < 1 || count > LIST_LIMIT.max) {
      return apiError(c, 'invalid-option', `limit must be a whole number from 1 to ${LIST_LIMIT.max}`, { option: 'limit' });
    }
    const before = c.req.query('before');
    if (before !== undefined && !await store.getBroadcast(before)) return apiError(c, 'invalid-option', 'before must be the id of a broadcast', { option: 'before' });
    const notifications = (await store.listBroadcasts(count, before)).map((b) => broadcastView(b));
    const last = notifications.at(-1);
    return c.json({ notifications, ...(notifications.length === count && last ? { next: last.id } : {}) });
  });

  app.get('/api/notifications/:id', admin, async (c) => {
    const b = await store.getBroadcast(c.req.param('id'));
    if (!b) return apiError(c, 'not-found', 'no broadcast has this id');
    return c.json(broadcastView(b, await store.pushServiceCounts(b.id)));
  });

  app.delete('/api/notifications/:id', admin, async (c) => {
    const id = c.req.param('id');
    if (!await store.getBroadcast(id)) return apiError(c, 'not-found', 'no broadcast has this id');
    const cancelled = await engine.cancel(id);
    const b = (await store.getBroadcast(id))!;
    if (!cancelled) return apiError(c, 'already-finished', `this broadcast is already ${b.status}`, { status: b.status });
    return c.json(broadcastView(b));
  });

  app.get('/metrics', admin, async (c) => {
    if (!options.metrics) return apiError(c, 'not-found', 'metrics are off');
    const { body, contentType } = await options.metrics.text();
    return c.body(body, 200, { 'Content-Type': contentType });
  });

  app.post('/api/lint', open, limit(LINT_BODY_LIMIT), async (c) => {
    const body = await readBody(c, ['message', 'profile', 'baseURL']);
    if (body instanceof Response) return body;
    if (!('message' in body)) return apiError(c, 'invalid-json', 'the body must be a JSON object {"message": ..., "profile"?: "spec" | "portable", "baseURL"?: "https://..."}');
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

  if (options.publicDir) mountDemoGrant(app, options.grantSecret, open);
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
