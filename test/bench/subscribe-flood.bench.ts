/**
 * `npm run bench:flood`: how many subscriptions one client on loopback gets stored by flooding
 * `POST /api/subscriptions` for BENCH_SECONDS (default 10), with the default client rate limit and
 * with it off (what one client could do before), on the real server over HTTP. A benchmark, not a
 * test: it prints figures. Subscriptions are made ahead, so the client's own work stays out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CLIENT_RATE_LIMIT } from '../../server/client-rate-limit.js';
import { startServer } from '../../server/start-server.js';
import { startMockPushService } from '../support/mock-push-service.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PARALLEL = 8;
const mock = await startMockPushService();
const bodies = Array.from({ length: 40_000 }, () => JSON.stringify({ subscription: mock.subscribe().subscription }));

console.log(`bench:flood  one loopback client, ${PARALLEL} requests in flight, ${SECONDS} s per run`);
for (const limit of [DEFAULT_CLIENT_RATE_LIMIT, 0]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dwp-flood-'));
  const server = await startServer({
    port: 0, host: '127.0.0.1', dataDir, subject: 'mailto:ops@example.com', allowPushOrigins: [mock.origin], concurrency: 8,
    maxAttempts: 1, timeoutMs: 1000, workers: 0, adminToken: 'bench-admin-token-0123456789', clientRateLimit: limit, log: () => {},
  });
  const counts: Record<number, number> = {};
  let next = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (Date.now() < end && next < bodies.length) {
      const res = await fetch(`${server.url}/api/subscriptions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bodies[next++] });
      await res.arrayBuffer();
      counts[res.status] = (counts[res.status] ?? 0) + 1;
    }
  }));
  const stored = await server.store.countSubscriptions();
  console.log(`--client-rate-limit ${String(limit).padEnd(4)} stored ${String(stored).padStart(6)} (${(stored / SECONDS).toFixed(1)}/s), answers ${JSON.stringify(counts)}`);
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
await mock.close();
