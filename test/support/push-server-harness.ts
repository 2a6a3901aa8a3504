/** An in-process push server for tests: real SQLite file in a temp dir, the Hono app, the engine. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { hashAdminToken } from '../../server/admin-token.js';
import { createApp } from '../../server/app.js';
import { BroadcastEngine, type BroadcastEngineOptions } from '../../server/broadcast-engine.js';
import type { ClientRateLimitOptions } from '../../server/client-rate-limit.js';
import { createPushConnections } from '../../server/push-connections.js';
import { createPushOriginGuard } from '../../server/push-origin-guard.js';
import { ServerMetrics } from '../../server/metrics.js';
import { createRequestBuilder } from '../../server/request-builder.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import type { Store } from '../../server/store/store.js';
import { createVapidAuthorizer } from '../../server/vapid-authorization.js';
import { generateVapidKeys, type VapidKeys } from '../../server/vapid-keys.js';
import { LOOPBACK_TLS } from './loopback-tls.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const SUBJECT = 'mailto:ops@example.com';
export const GRANT_SECRET = 'test-grant-secret-0123456789abcdef0123';

export interface Harness {
  app: Hono;
  store: SqliteStore;
  engine: BroadcastEngine;
  metrics: ServerMetrics;
  keys: VapidKeys;
  dir: string;
  /** app.request with JSON in and the admin token when `admin`. */
  call(method: string, path: string, body?: unknown, admin?: boolean): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(options: {
  allowPushOrigins?: string[];
  publicDir?: string;
  polyfillDir?: string;
  workers?: number;
  publicChannels?: string[];
  engine?: Partial<BroadcastEngineOptions>;
  clientRateLimit?: ClientRateLimitOptions;
  /** What the app and the engine see in place of the SQLite store (a store that fails on purpose). */
  wrapStore?: (store: SqliteStore) => Store;
} = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'dwp-server-'));
  const keys = generateVapidKeys();
  const store = new SqliteStore(join(dir, 'dwp.sqlite'));
  const guard = createPushOriginGuard(options.allowPushOrigins ?? []);
  const connections = createPushConnections({ maxSockets: 8, ca: LOOPBACK_TLS.cert });
  const builder = createRequestBuilder(options.workers ?? 0);
  const seen = options.wrapStore?.(store) ?? store;
  const metrics = new ServerMetrics({ queueDepth: () => seen.queueDepth(), subscriptions: () => seen.countSubscriptions() });
  const engine = new BroadcastEngine({
    store: seen, guard, connections, builder, metrics,
    authorize: createVapidAuthorizer({ subject: SUBJECT, ...keys }),
    concurrency: 8, timeoutMs: 2000, retry: { baseDelayMs: 50, maxAttempts: 4 },
    log: (line) => { if (process.env.DWP_TEST_LOG) console.log(line); },
    ...options.engine,
  });
  await engine.start();
  const app = createApp({
    store: seen, engine, guard, metrics, vapidPublicKey: keys.publicKey, adminTokenHash: hashAdminToken(ADMIN_TOKEN),
    grantSecret: GRANT_SECRET, publicChannels: options.publicChannels ?? [],
    ...(options.clientRateLimit ? { clientRateLimit: options.clientRateLimit } : {}),
    ...(options.publicDir ? { publicDir: options.publicDir } : {}),
    ...(options.polyfillDir ? { polyfillDir: options.polyfillDir } : {}),
  });
  return {
    app, store, engine, metrics, keys, dir,
    call(method, path, body, admin = false) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (admin) headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
      return Promise.resolve(app.request(path, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) }));
    },
    async close() {
      await engine.stop();
      await builder.close();
      connections.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A standard message that every profile accepts. */
export function validMessage(title = 'Ada emailed you'): Record<string, unknown> {
  return {
    web_push: 8030,
    notification: { title, body: 'About the tube strikes', navigate: 'https://mail.example/message/12', lang: 'en-GB', dir: 'ltr' },
  };
}

/** Decodes a VAPID `Authorization: vapid t=<jwt>, k=<key>` header. */
export function readVapidHeader(header: string | undefined): { claims: { aud: string; sub: string; exp: number }; key: string } {
  const match = /^vapid t=([^,]+), k=(\S+)$/.exec(header ?? '');
  if (!match) throw new Error(`not a VAPID header: ${header}`);
  const claims = JSON.parse(Buffer.from(match[1]!.split('.')[1]!, 'base64url').toString('utf8')) as { aud: string; sub: string; exp: number };
  return { claims, key: match[2]! };
}
