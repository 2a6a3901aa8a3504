import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, validMessage } from '../support/push-server-harness.js';
import { spawnServer, useServerFixtures, waitFor, type ServerProcess } from '../support/spawn-server.js';

const SUBSCRIBERS = 160;
const CONCURRENCY = 4;

const f = useServerFixtures('dwp-crash-', { beforeAll, afterAll });

const start = async () => {
  const server = await spawnServer(['--data-dir', f.dir, '--allow-push-origin', f.mock.origin, '--concurrency', String(CONCURRENCY), '--timeout-ms', '5000', '--client-rate-limit', '0'], { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
  f.servers.push(server);
  return server;
};
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
const status = async (server: ServerProcess, id: string) =>
  (await (await fetch(`${server.url}/api/notifications/${id}`, { headers: auth })).json()) as { status: string; total: number; sent: number; pending: number };

it('a server killed mid-broadcast resumes after restart, and no acknowledged subscription gets the message twice', async () => {
  const first = await start();
  const subs = Array.from({ length: SUBSCRIBERS }, () => f.mock.subscribe([{ status: 201, delayMs: 50 }]));
  for (const { subscription } of subs) {
    const res = await fetch(`${first.url}/api/subscriptions`, { method: 'POST', headers: auth, body: JSON.stringify({ subscription }) });
    expect(res.status).toBe(201);
  }
  const message = validMessage('Resumed');
  const created = await fetch(`${first.url}/api/notifications`, { method: 'POST', headers: auth, body: JSON.stringify({ message }) });
  const { id } = (await created.json()) as { id: string };

  await waitFor(async () => ((await status(first, id)).sent >= 30 ? true : undefined), 20_000, 10);
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');

  // What the killed process had recorded as acknowledged by the push service.
  const db = new Database(join(f.dir, 'dwp.sqlite'), { readonly: true });
  const acknowledged = (db.prepare(`SELECT s.endpoint FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
    WHERE d.broadcast_id = ? AND d.state = 'sent'`).all(id) as { endpoint: string }[]).map((r) => r.endpoint);
  db.close();
  expect(acknowledged.length).toBeGreaterThanOrEqual(30);
  expect(acknowledged.length).toBeLessThan(SUBSCRIBERS);

  const second = await start();
  const done = await waitFor(async () => { const s = await status(second, id); return s.status === 'done' ? s : undefined; });
  expect(done).toMatchObject({ status: 'done', total: SUBSCRIBERS, sent: SUBSCRIBERS, pending: 0 });

  const ackSet = new Set(acknowledged);
  let duplicates = 0;
  for (const { id: subId, subscription } of subs) {
    const received = f.mock.received(subId);
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(received[0]!.payload!)).toMatchObject({ web_push: 8030, notification: { title: 'Resumed' } });
    if (ackSet.has(subscription.endpoint)) expect(received).toHaveLength(1);
    duplicates += received.length - 1;
  }
  // Only requests in flight, or answered in the last few milliseconds before the kill, may go twice.
  expect(duplicates).toBeLessThanOrEqual(2 * CONCURRENCY);
  expect(second.output()).toMatch(/broadcast .* to go/);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});
