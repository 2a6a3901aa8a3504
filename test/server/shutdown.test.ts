import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../../server/start-server.js';
import { ADMIN_TOKEN, validMessage } from '../support/push-server-harness.js';
import { spawnServer, useServerFixtures, waitFor } from '../support/spawn-server.js';

const SUBSCRIBERS = 60;
const CONCURRENCY = 4;
const SHUTDOWN_MS = 1500;

const f = useServerFixtures('dwp-shutdown-', { beforeAll, afterAll });
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

it('SIGTERM with a hanging push service: no new request leaves, those in flight are cut off at the shutdown timeout and stay pending, the rest resumes', async () => {
  const args = ['--data-dir', f.dir, '--allow-push-origin', f.mock.origin, '--concurrency', String(CONCURRENCY), '--timeout-ms', '60000',
    '--client-rate-limit', '0', '--shutdown-timeout-ms', String(SHUTDOWN_MS)];
  const first = await spawnServer(args, { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
  f.servers.push(first);
  const subs = Array.from({ length: SUBSCRIBERS }, () => f.mock.subscribe([{ hang: true }]));
  for (const { subscription } of subs) {
    expect((await fetch(`${first.url}/api/subscriptions`, { method: 'POST', headers: auth, body: JSON.stringify({ subscription }) })).status).toBe(201);
  }
  const created = await fetch(`${first.url}/api/notifications`, { method: 'POST', headers: auth, body: JSON.stringify({ message: validMessage('Later') }) });
  const { id } = (await created.json()) as { id: string };
  const count = () => subs.reduce((n, s) => n + f.mock.received(s.id).length, 0);
  await waitFor(async () => (count() >= 1 ? true : undefined), 20_000, 10);
  await new Promise((r) => setTimeout(r, 200)); // let the lane fill to its limit

  const inFlight = count();
  const signalled = Date.now();
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  const took = Date.now() - signalled;
  expect(took).toBeGreaterThanOrEqual(SHUTDOWN_MS - 100);
  expect(took).toBeLessThan(SHUTDOWN_MS + 3000);
  expect(count()).toBe(inFlight); // nothing new left after the signal
  expect(inFlight).toBeLessThanOrEqual(CONCURRENCY * 2);
  expect(first.output()).toMatch(/SIGTERM: stopping/);
  expect(first.output()).toMatch(/cut off/);

  const db = new Database(join(f.dir, 'dwp.sqlite'), { readonly: true });
  const states = db.prepare('SELECT state, last_error, count(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY state, last_error ORDER BY n').all(id);
  db.close();
  // Everything stays pending: the cut-off requests marked as such, the queued ones untouched.
  expect(states).toEqual([{ state: 'pending', last_error: 'shutting-down', n: inFlight }, { state: 'pending', last_error: null, n: SUBSCRIBERS - inFlight }]);

  // The push service recovers; the next start sends what stayed pending.
  for (const { id: sub } of subs) f.mock.setAnswers(sub, [{ status: 201 }]);
  const second = await spawnServer(args, { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
  f.servers.push(second);
  const done = await waitFor(async () => {
    const s = (await (await fetch(`${second.url}/api/notifications/${id}`, { headers: auth })).json()) as { status: string; sent: number };
    return s.status === 'done' ? s : undefined;
  }, 30_000);
  expect(done).toMatchObject({ status: 'done', sent: SUBSCRIBERS });
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 90_000);

it('at shutdown, requests in flight that the push service answers in time are recorded as what they are; queued ones stay pending', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dwp-shutdown-inproc-'));
  const server = await startServer({
    port: 0, host: '127.0.0.1', dataDir, subject: 'mailto:ops@example.com', allowPushOrigins: [f.mock.origin], concurrency: 2,
    maxAttempts: 3, timeoutMs: 10_000, workers: 0, adminToken: ADMIN_TOKEN, shutdownTimeoutMs: 5000, log: () => {},
  });
  const subs = Array.from({ length: 20 }, () => f.mock.subscribe([{ status: 201, delayMs: 600 }]));
  for (const { subscription } of subs) await server.store.saveSubscription(subscription, f.mock.origin);
  const id = await server.store.createBroadcast(new TextEncoder().encode(JSON.stringify(validMessage())), { ttl: 60, target: null });
  await server.engine.enqueue(id);
  const count = () => subs.reduce((n, s) => n + f.mock.received(s.id).length, 0);
  await waitFor(async () => (count() >= 1 ? true : undefined), 10_000, 5);
  const started = Date.now();
  await server.close();
  const took = Date.now() - started;
  expect(took).toBeLessThan(5000);
  // What reached the push service was in flight at the signal (the lane's limit); nothing more left.
  const inFlight = count();
  expect(inFlight).toBeLessThanOrEqual(2);
  const db = new Database(join(dataDir, 'dwp.sqlite'), { readonly: true });
  const states = db.prepare('SELECT state, count(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY state ORDER BY state').all(id) as { state: string; n: number }[];
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
  expect(states).toEqual([{ state: 'pending', n: 20 - inFlight }, { state: 'sent', n: inFlight }]);
});
