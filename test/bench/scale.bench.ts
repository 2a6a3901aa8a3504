/**
 * npm run bench:scale: one broadcast to N subscriptions (BENCH_N, default 100,000) through real
 * `dwpush serve` processes, measured three ways in the same run:
 *   SQLite       one process, the embedded default
 *   PostgreSQL   one process (--role all) on a throwaway cluster
 *   PostgreSQL   two processes on one database (one --role all, one --role worker)
 * Prints msgs/s from the POST to "done", CPU per message summed over the server processes (from
 * /proc), and each process's peak resident memory (VmHWM), which should not grow with N. The push
 * service (plain HTTP/1.1 on loopback, answering 201 at once, counting) and PostgreSQL run in their
 * own processes; on a machine with 2 cores they compete with the servers for the same cores.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { PostgresStore } from '../../server/store/postgres-store.js';
import type { NewSubscription, Store } from '../../server/store/store.js';
import { startPostgresCluster } from '../support/postgres-cluster.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';

const N = Number(process.env.BENCH_N ?? 100_000);
const TOKEN = randomBytes(24).toString('base64url');
const here = fileURLToPath(new URL('.', import.meta.url));

interface Row { name: string; seconds: number; msgsPerSec: number; cpuUsPerMsg: number; peakMB: number[] }

const service = fork(join(here, 'count-push-service.ts'), [], { execArgv: ['--import', 'tsx'] });
const { port } = await ask<{ port: number }>(service);
const origin = `http://127.0.0.1:${port}`;
const t0 = performance.now();
const subscriptions: NewSubscription[] = Array.from({ length: N }, (_, i) => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { subscription: { endpoint: `${origin}/push/${i}`, keys: { p256dh: ecdh.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url') } }, origin };
});
console.log(`bench:scale  N=${N}  (${Math.round(performance.now() - t0)} ms to make the subscriptions); the machine may be shared: repeat and compare`);

const rows: Row[] = [];
const common = ['--allow-push-origin', origin, '--client-rate-limit', '0', '--concurrency', '256'];

// SQLite, one process.
{
  const dir = mkdtempSync(join(tmpdir(), 'dwp-scale-'));
  const store = new SqliteStore(join(dir, 'dwp.sqlite'));
  await store.saveSubscriptions(subscriptions);
  await store.close();
  rows.push(await measure('SQLite, 1 process', [['--data-dir', dir, ...common]]));
  rmSync(dir, { recursive: true, force: true });
}

// PostgreSQL, one process, then two.
const cluster = await startPostgresCluster();
try {
  for (const processes of [1, 2]) {
    const url = await freshDatabase(cluster.url, `scale_${processes}`);
    const store: Store = await PostgresStore.open(url);
    await store.saveSubscriptions(subscriptions);
    await store.close();
    const args = [['--database', url, ...common], ...Array.from({ length: processes - 1 }, () => ['--database', url, '--role', 'worker', ...common])];
    rows.push(await measure(`PostgreSQL, ${processes} process${processes > 1 ? 'es' : ''}`, args));
  }
} finally {
  await cluster.stop();
  service.send('exit');
}
print(rows);

async function measure(name: string, argLists: string[][]): Promise<Row> {
  const servers: ServerProcess[] = [];
  for (const args of argLists) servers.push(await spawnServer(args, { DWP_ADMIN_TOKEN: TOKEN }, 60_000));
  await new Promise((r) => setTimeout(r, 1000)); // encryption workers up before the clock starts
  await ask(service, 'reset');
  const cpu0 = servers.map((s) => cpuMicros(s.child.pid!));
  const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
  const started = performance.now();
  const res = await fetch(`${servers[0]!.url}/api/notifications`, { method: 'POST', headers, body: JSON.stringify({ message: { web_push: 8030, notification: { title: 'Benchmark', navigate: 'https://app.example/' } } }) });
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const s = (await (await fetch(`${servers[0]!.url}/api/notifications/${id}`, { headers })).json()) as { status: string; sent: number; total: number };
    if (s.status === 'done') {
      if (s.sent !== N) throw new Error(`${name}: ${s.sent} of ${s.total} sent`);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = servers.reduce((sum, s, i) => sum + cpuMicros(s.child.pid!) - cpu0[i]!, 0);
  const peakMB = servers.map((s) => peakRssMB(s.child.pid!));
  const stats = await ask<{ requests: number; distinct: number }>(service, 'stats');
  if (stats.distinct !== N) throw new Error(`${name}: the push service saw ${stats.distinct} endpoints, expected ${N}`);
  for (const s of servers) s.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  console.log(`${name}: ${seconds.toFixed(1)} s, ${stats.requests - N} repeated requests`);
  return { name, seconds, msgsPerSec: N / seconds, cpuUsPerMsg: cpu / N, peakMB };
}

/** utime + stime of a process and its threads (the encryption workers), microseconds. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks of 10 ms (USER_HZ 100)
}

function peakRssMB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function freshDatabase(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return url.replace(/\/postgres$/, `/${name}`);
}

function ask<T>(child: ChildProcess, message?: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    if (message) child.send(message);
  });
}

function print(results: Row[]): void {
  const sqlite = results[0]!;
  console.log(`\n${'store and processes'.padEnd(28)} ${'msgs/s'.padStart(8)} ${'x SQLite'.padStart(9)} ${'CPU us/msg'.padStart(11)} ${'peak RSS per process'.padStart(22)}`);
  for (const r of results) {
    console.log(`${r.name.padEnd(28)} ${r.msgsPerSec.toFixed(0).padStart(8)} ${(r.msgsPerSec / sqlite.msgsPerSec).toFixed(2).padStart(9)} ${r.cpuUsPerMsg.toFixed(0).padStart(11)} ${r.peakMB.map((m) => `${m.toFixed(0)} MB`).join(' + ').padStart(22)}`);
  }
  console.log('\nOn 2 cores, two processes share the cores with PostgreSQL and the push service: the second process can show the work split and resumed, not a doubled rate.');
}
