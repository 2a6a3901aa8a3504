/**
 * Scale-out with real processes and a real PostgreSQL (spec-notes.md#push-server, scale-out): three
 * `dwpush serve --database` processes on one database and a mock push service that counts pushes
 * per subscription. kill -9 of one mid-broadcast; a PostgreSQL restart mid-broadcast; two
 * processes starting at once on an empty database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { PostgresStore } from '../../server/store/postgres-store.js';
import { startMockPushService, type MockPushService, type MockSubscription } from '../support/mock-push-service.js';
import { describeWithPostgres, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';
import { ADMIN_TOKEN, validMessage } from '../support/push-server-harness.js';
import { spawnServer, waitFor, type ServerProcess } from '../support/spawn-server.js';

const CONCURRENCY = 4;
const SUBSCRIBERS = 3000; // six batches of 500
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };

describeWithPostgres('scale-out on PostgreSQL with real processes', () => {
  let cluster: PostgresCluster;
  let mock: MockPushService;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    mock = await startMockPushService();
  }, 60_000);
  afterAll(async () => {
    await mock?.close();
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const s of servers) s.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    servers = [];
  });

  /** A fresh database on the cluster for one test. */
  async function database(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    return cluster.url.replace(/\/postgres$/, `/${name}`);
  }

  async function start(url: string, env: Record<string, string> = { DWP_ADMIN_TOKEN: ADMIN_TOKEN }): Promise<ServerProcess> {
    const server = await spawnServer(['--database', url, '--allow-push-origin', mock.origin, '--concurrency', String(CONCURRENCY),
      '--batches', '1', '--client-rate-limit', '0', '--timeout-ms', '5000', '--workers', '0'], env, 30_000);
    servers.push(server);
    return server;
  }

  async function subscribeMany(url: string, n: number, delayMs: number): Promise<MockSubscription[]> {
    const subs = Array.from({ length: n }, () => mock.subscribe([{ status: 201, delayMs }]));
    const store = await PostgresStore.open(url);
    await store.saveSubscriptions(subs.map(({ subscription }) => ({ subscription, origin: mock.origin })));
    await store.close();
    return subs;
  }

  async function broadcast(server: ServerProcess, title: string): Promise<string> {
    const res = await fetch(`${server.url}/api/notifications`, { method: 'POST', headers: auth, body: JSON.stringify({ message: validMessage(title) }) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  const status = async (server: ServerProcess, id: string) =>
    (await (await fetch(`${server.url}/api/notifications/${id}`, { headers: auth })).json()) as { status: string; total: number; sent: number; pending: number };

  const ownerOf = (server: ServerProcess) => /running batches as (\S+)/.exec(server.output())?.[1];

  function receivedCounts(subs: MockSubscription[]): { missing: number; repeats: number } {
    let missing = 0;
    let repeats = 0;
    for (const s of subs) {
      const n = mock.received(s.id).length;
      if (n === 0) missing++;
      repeats += Math.max(0, n - 1);
    }
    return { missing, repeats };
  }

  it('kill -9 of one of three processes mid-broadcast: done, everyone got it, repeats at most what was in flight, its batches resume within seconds', async () => {
    const url = await database('kill_test');
    const first = await start(url);
    const others = await Promise.all([start(url), start(url)]);
    const subs = await subscribeMany(url, SUBSCRIBERS, 20);
    const id = await broadcast(first, 'Killed');

    const victim = first;
    const victimOwner = ownerOf(victim)!;
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    // Kill the first process while it holds a batch with deliveries recorded and others to go.
    await waitFor(async () => {
      const { rows } = await db.query(`SELECT t.batch FROM batches t WHERE t.broadcast_id = $1 AND t.lease_owner = $2 AND t.sent > 50 AND t.sent < t.total - 100`, [id, victimOwner]);
      return rows.length > 0 ? true : undefined;
    }, 30_000, 20);
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await victim.exited).toBe('SIGKILL');
    const { rows: held } = await db.query<{ batch: number }>('SELECT batch FROM batches WHERE broadcast_id = $1 AND lease_owner = $2 AND due_at IS NOT NULL', [id, victimOwner]);
    expect(held.length).toBeGreaterThanOrEqual(1);

    // Another process takes the dead one's batches once their lease runs out.
    await waitFor(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM batches WHERE broadcast_id = $1 AND batch = ANY($2) AND (lease_owner IS DISTINCT FROM $3)', [id, held.map((r) => r.batch), victimOwner]);
      return rows[0].n === held.length ? true : undefined;
    }, 60_000, 50);
    const resumedAfterMs = Date.now() - killedAt;
    const done = await waitFor(async () => { const s = await status(others[0]!, id); return s.status === 'done' ? s : undefined; }, 90_000, 100);
    await db.end();

    expect(done).toMatchObject({ status: 'done', total: SUBSCRIBERS, sent: SUBSCRIBERS, pending: 0 });
    const { missing, repeats } = receivedCounts(subs);
    expect(missing).toBe(0);
    // At most the requests in flight in the dead process (its lane's limit), or answered in the last milliseconds before the kill.
    expect(repeats).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect(resumedAfterMs).toBeLessThan(20_000);
    console.log(`scale-out kill -9: ${held.length} batch(es) of the killed process resumed after ${resumedAfterMs} ms; ${repeats} repeated pushes of ${SUBSCRIBERS}`);
  }, 150_000);

  it('PostgreSQL restarted mid-broadcast: every process survives and the broadcast finishes', async () => {
    const url = await database('restart_test');
    const procs = await Promise.all([start(url), start(url), start(url)]);
    const subs = await subscribeMany(url, 1500, 20);
    const id = await broadcast(procs[0]!, 'Restarted');
    await waitFor(async () => ((await status(procs[1]!, id)).sent >= 200 ? true : undefined), 30_000, 20);
    await cluster.restart();
    const done = await waitFor(async () => {
      try {
        const s = await status(procs[2]!, id);
        return s.status === 'done' ? s : undefined;
      } catch {
        return undefined;
      }
    }, 90_000, 200);
    expect(done).toMatchObject({ status: 'done', total: 1500, sent: 1500, pending: 0 });
    for (const p of procs) {
      expect(p.child.exitCode).toBeNull();
      expect((await fetch(`${p.url}/api/health`)).status).toBe(200);
    }
    const { missing, repeats } = receivedCounts(subs);
    expect(missing).toBe(0);
    expect(repeats).toBeLessThanOrEqual(3 * 2 * CONCURRENCY);
    console.log(`scale-out PostgreSQL restart: ${repeats} repeated pushes of 1500`);
  }, 150_000);

  it('two processes starting at once on an empty database make one schema and one set of keys, one admin token shown once', async () => {
    const url = await database('empty_start');
    // No token given: one of them generates it; without a terminal it goes to a 0600 file in its own --data-dir.
    const dirs = [mkdtempSync(join(tmpdir(), 'dwp-scale-a-')), mkdtempSync(join(tmpdir(), 'dwp-scale-b-'))];
    const [a, b] = await Promise.all(dirs.map((dir) => start(url, { DWP_ADMIN_TOKEN: '', DWP_DATA_DIR: dir })));
    const keyOf = async (s: ServerProcess) => ((await (await fetch(`${s.url}/api/vapid-public-key`)).json()) as { publicKey: string }).publicKey;
    expect(await keyOf(a!)).toBe(await keyOf(b!));
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    expect((await db.query(`SELECT key FROM settings ORDER BY key`)).rows).toEqual([{ key: 'admin-token-sha256' }, { key: 'grant-secret' }, { key: 'vapid-keys' }]);
    expect((await db.query('SELECT count(*)::int AS n FROM dwp_schema_version')).rows).toEqual([{ n: 1 }]);
    await db.end();
    const generated = [a!, b!].filter((s) => /generated an admin token/.test(s.output()));
    expect(generated).toHaveLength(1);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, 90_000);
}, true);
