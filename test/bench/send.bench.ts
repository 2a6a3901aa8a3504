/**
 * npm run bench:send: one declarative message to N distinct subscriptions on a loopback TLS push
 * service that answers after a delay (a timer in its own process: 0, 50, 100, 200 ms), measured in
 * one run against:
 *   web-push     web-push's own sendNotification, 64 at a time, keep-alive agent (HTTP/1.1; it signs a VAPID JWT per message)
 *   server       the full path: POST /api/notifications -> SQLite -> broadcast engine, until done; over h2 and HTTP/1.1
 *   floor        the crypto a push message cannot avoid (ECDH keygen + derive + HKDF + AES-GCM, node:crypto)
 * and a head-of-line check: 500 deliveries to a healthy push service, alone and beside 2,000 to one
 * that never answers. Prints msgs/s, CPU microseconds per message (this process, all threads), peak
 * heap (main thread) and TLS connections opened (a server keeps its connections across delays), as the median and [min-max] over BENCH_RUNS runs, then
 * each target with whether this run met it. BENCH_N (4000), BENCH_DELAYS (0,50,100,200),
 * BENCH_PROTOCOLS (h2,http/1.1), BENCH_RUNS (1), BENCH_WORKERS (1).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpush from 'web-push';
import { preparePayload } from '../../server/prepare-payload.js';
import type { PushSubscriptionJSON } from '../../server/push-request.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { generateVapidKeys } from '../../server/vapid-keys.js';

const N = Number(process.env.BENCH_N ?? 4000);
const DELAYS = (process.env.BENCH_DELAYS ?? '0,50,100,200').split(',').map(Number);
const PROTOCOLS = (process.env.BENCH_PROTOCOLS ?? 'h2,http/1.1').split(',') as ('h2' | 'http/1.1')[];
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const WEB_PUSH_CONCURRENCY = 64;
const HEALTHY = 500;
const HANGING = 2000;
const SUBJECT = 'mailto:bench@example.com';
const MESSAGE = { web_push: 8030, notification: { title: 'Benchmark', body: 'One of many', navigate: 'https://app.example/inbox' } };
const here = fileURLToPath(new URL('.', import.meta.url));

if (!process.env.DWP_BENCH_CERT) {
  // Parent: make a throwaway certificate, then run the measurement trusting it (every agent, web-push's too).
  const dir = mkdtempSync(join(tmpdir(), 'dwp-bench-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  } catch {
    console.error('bench:send needs openssl on PATH to make a loopback certificate');
    process.exit(1);
  }
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), join(dir, 'key.pem')], {
    stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'), DWP_BENCH_CERT: join(dir, 'cert.pem') },
  });
  child.on('exit', (code) => { rmSync(dir, { recursive: true, force: true }); process.exit(code ?? 1); });
} else {
  await measure(process.argv[2]!, process.env.DWP_BENCH_CERT);
}

interface Stats { requests: number; distinct: number; h2: number; connections: number }
interface Figures { msgsPerSec: number; cpuUsPerMsg: number; peakHeapMB: number; connections: number; seconds: number }
type Row = { delay: number | null; name: string; protocol: string; runs: Figures[] };

async function measure(keyFile: string, certFile: string): Promise<void> {
  const service = fork(join(here, 'bench-push-service.ts'), [keyFile, certFile], { execArgv: ['--import', 'tsx'] });
  const { port, hangingPort } = await ask<{ port: number; hangingPort: number }>(service);
  const origin = `https://127.0.0.1:${port}`;
  const hangingOrigin = `https://127.0.0.1:${hangingPort}`;
  const keys = generateVapidKeys();
  const payload = Buffer.from(preparePayload(MESSAGE));
  const subscriptions = makeSubscriptions(origin, 'push', N);
  const healthy = makeSubscriptions(origin, 'healthy', HEALTHY);
  const hanging = makeSubscriptions(hangingOrigin, 'hang', HANGING);
  console.log(`bench:send  N=${N}  delays ${DELAYS.join('/')} ms  protocols ${PROTOCOLS.join(', ')}  runs ${RUNS}  encryption workers ${WORKERS}  web-push ${WEB_PUSH_CONCURRENCY} at a time`);

  const rows = new Map<string, Row>();
  const add = (delay: number | null, name: string, protocol: string, figures: Figures) => {
    const key = `${delay}|${name}|${protocol}`;
    if (!rows.has(key)) rows.set(key, { delay, name, protocol, runs: [] });
    rows.get(key)!.runs.push(figures);
  };
  const isolation: { alone: number[]; beside: number[] } = { alone: [], beside: [] };

  for (let run = 1; run <= RUNS; run++) {
    add(null, 'crypto floor (node:crypto)', '-', cryptoFloor(payload, 2000));
    const servers = new Map<string, Bench>();
    for (const protocol of PROTOCOLS) servers.set(protocol, await benchServer([origin], protocol, subscriptions.map((s) => ({ subscription: s, origin }))));
    try {
      for (const delay of DELAYS) {
        await ask(service, { delayMs: delay });
        add(delay, 'web-push sendNotification', 'http/1.1', await timed(service, N, () => sendWithWebPush(subscriptions, payload, keys)));
        for (const protocol of PROTOCOLS) add(delay, 'server (API -> SQLite -> fan-out)', protocol, await timed(service, N, () => broadcast(servers.get(protocol)!, N)));
        process.stdout.write(`  run ${run}: ${delay} ms done\n`);
      }
    } finally {
      for (const bench of servers.values()) await bench.close();
    }
    await ask(service, { delayMs: 0 });
    isolation.alone.push(await headOfLine(service, origin, hangingOrigin, healthy, []));
    isolation.beside.push(await headOfLine(service, origin, hangingOrigin, healthy, hanging));
  }
  service.send('exit');
  print([...rows.values()], isolation);
}

/** Distinct P-256 keys from node:crypto's ECDH (fast, about 50 us each). */
function makeSubscriptions(origin: string, prefix: string, n: number): PushSubscriptionJSON[] {
  return Array.from({ length: n }, (_, i) => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return { endpoint: `${origin}/${prefix}/${i}`, keys: { p256dh: ecdh.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url') } };
  });
}

/**
 * The physical floor of one push message: what RFC 8291 requires per message, with node:crypto and
 * nothing else (a fresh ECDH key pair, the shared secret, three HKDFs, AES-128-GCM), on one thread.
 */
function cryptoFloor(payload: Buffer, n: number): Figures {
  const receiver = createECDH('prime256v1');
  receiver.generateKeys();
  const uaPublic = receiver.getPublicKey();
  const authSecret = randomBytes(16);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const sender = createECDH('prime256v1');
    const asPublic = sender.generateKeys();
    const secret = sender.computeSecret(uaPublic);
    const ikm = Buffer.from(hkdfSync('sha256', secret, authSecret, Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]), 32));
    const salt = randomBytes(16);
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: aes128gcm\0', 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: nonce\0', 12));
    const cipher = createCipheriv('aes-128-gcm', cek, nonce);
    Buffer.concat([cipher.update(payload), cipher.update(Buffer.from([2])), cipher.final(), cipher.getAuthTag()]);
  }
  const seconds = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  return { msgsPerSec: n / seconds, cpuUsPerMsg: (user + system) / n, peakHeapMB: 0, connections: 0, seconds };
}

async function sendWithWebPush(subscriptions: PushSubscriptionJSON[], payload: Buffer, keys: { publicKey: string; privateKey: string }): Promise<void> {
  let next = 0;
  // web-push's documented agent option, so it gets keep-alive too: the comparison is about the rest.
  const options = { vapidDetails: { subject: SUBJECT, ...keys }, TTL: 60, agent: new https.Agent({ keepAlive: true, maxSockets: WEB_PUSH_CONCURRENCY }) };
  await Promise.all(Array.from({ length: WEB_PUSH_CONCURRENCY }, async () => {
    while (next < subscriptions.length) await webpush.sendNotification(subscriptions[next++]!, payload, options);
  }));
  options.agent.destroy();
}

async function timed(service: ChildProcess, n: number, job: () => Promise<void>): Promise<Figures> {
  await ask(service, 'reset');
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 10);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await job();
  const seconds = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  clearInterval(sampler);
  const stats = await ask<Stats>(service, 'stats');
  if (stats.requests !== n || stats.distinct !== n) throw new Error(`the push service saw ${stats.requests} requests to ${stats.distinct} endpoints, expected ${n}`);
  return { msgsPerSec: n / seconds, cpuUsPerMsg: (user + system) / n, peakHeapMB: (peak - heapBefore) / 2 ** 20, connections: stats.connections, seconds };
}

interface Bench { server: RunningServer; headers: Record<string, string>; close(): Promise<void> }

/**
 * A server holding `entries` in the channel 'bench', warmed up before any clock starts: a broadcast
 * to 64 other subscriptions loads the encryption worker's modules and opens connections.
 */
async function benchServer(origins: string[], protocol: 'h2' | 'http/1.1', entries: { subscription: PushSubscriptionJSON; origin: string }[]): Promise<Bench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dwp-bench-data-'));
  const adminToken = randomBytes(24).toString('base64url');
  const server = await startServer({
    port: 0, host: '127.0.0.1', dataDir, subject: SUBJECT, allowPushOrigins: origins, concurrency: 256,
    protocol: protocol === 'h2' ? 'auto' : 'http/1.1', maxAttempts: 5, timeoutMs: 30_000, workers: WORKERS, adminToken, log: () => {},
  });
  await server.store.saveSubscriptions(entries.map((entry) => ({ ...entry, channels: ['bench'] })));
  const warmUp = makeSubscriptions(origins[0]!, 'warm-up', 64);
  await server.store.saveSubscriptions(warmUp.map((subscription) => ({ subscription, origin: origins[0]!, channels: ['warm-up'] })));
  const bench = {
    server, headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await broadcast(bench, warmUp.length, undefined, 'warm-up');
  return bench;
}

/** The full server path, from the POST until `sent` reaches `until` (every delivery, unless told). */
async function broadcast({ server, headers }: Bench, until: number, finished = (status: BroadcastStatus) => status.status === 'done', channel = 'bench'): Promise<void> {
  const res = await fetch(`${server.url}/api/notifications`, { method: 'POST', headers, body: JSON.stringify({ message: MESSAGE, ttl: 60, channel }) });
  const { id } = (await res.json()) as { id: string };
  for (let polls = 0; ; polls++) {
    const status = (await (await fetch(`${server.url}/api/notifications/${id}`, { headers })).json()) as BroadcastStatus;
    if (finished(status)) {
      if (status.sent < until) throw new Error(`server: ${status.sent} of ${until} sent`);
      return;
    }
    if (polls > 6000) throw new Error('server: broadcast did not finish in 2 minutes');
    await new Promise((r) => setTimeout(r, 10));
  }
}
interface BroadcastStatus { status: string; sent: number; total: number }

/** Seconds until the healthy deliveries are all sent, with `hanging` deliveries to a push service that never answers. */
async function headOfLine(service: ChildProcess, origin: string, hangingOrigin: string, healthy: PushSubscriptionJSON[], hanging: PushSubscriptionJSON[]): Promise<number> {
  // Interleaved, as subscribers of different browsers arrive.
  const entries = healthy.flatMap((subscription, i) => [
    { subscription, origin },
    ...hanging.slice(i * hanging.length / healthy.length, (i + 1) * hanging.length / healthy.length).map((s) => ({ subscription: s, origin: hangingOrigin })),
  ]);
  const bench = await benchServer([origin, hangingOrigin], 'h2', entries);
  try {
    await ask(service, 'reset');
    const t0 = performance.now();
    await broadcast(bench, healthy.length, (status) => status.sent >= healthy.length);
    return (performance.now() - t0) / 1000;
  } finally {
    // Stop first (only requests in flight are waited for), then let the hanging ones fail.
    const closing = bench.close();
    const release = setInterval(() => service.send('release'), 100);
    await closing;
    clearInterval(release);
  }
}

function ask<T>(child: ChildProcess, message?: string | object): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    if (message) child.send(message);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median, with [min-max] when there was more than one run. */
function spread(values: number[], digits = 0): string {
  const m = median(values).toFixed(digits);
  return values.length > 1 ? `${m} [${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}]` : m;
}

function print(rows: Row[], isolation: { alone: number[]; beside: number[] }): void {
  const floor = rows.find((r) => r.delay === null)!;
  const floorUs = median(floor.runs.map((f) => f.cpuUsPerMsg));
  const webPushAt = (delay: number | null) => rows.find((r) => r.delay === delay && r.name.startsWith('web-push'));
  const serverAt = (delay: number, protocol: string) => rows.find((r) => r.delay === delay && r.name.startsWith('server') && r.protocol === protocol);
  const rate = (row: Row | undefined) => (row ? median(row.runs.map((f) => f.msgsPerSec)) : NaN);
  const header = ['delay', 'contender', 'protocol', 'msgs/s', 'x web-push', 'x own 0 ms', 'CPU us/msg', 'x floor', 'peak heap MB', 'new TLS conns'];
  const lines = [header, header.map(() => '---')];
  for (const row of rows) {
    const webPush = rate(webPushAt(row.delay));
    const own0 = row.name.startsWith('server') ? rate(serverAt(0, row.protocol)) : row.name.startsWith('web-push') ? rate(webPushAt(0)) : NaN;
    const ratio = (base: number) => (Number.isNaN(base) || row.delay === null ? '' : spread(row.runs.map((f) => f.msgsPerSec / base), 2));
    lines.push([
      row.delay === null ? '' : `${row.delay} ms`, row.name, row.protocol, spread(row.runs.map((f) => f.msgsPerSec)),
      ratio(webPush), ratio(own0), spread(row.runs.map((f) => f.cpuUsPerMsg)), spread(row.runs.map((f) => f.cpuUsPerMsg / floorUs), 2),
      row.delay === null ? '' : spread(row.runs.map((f) => f.peakHeapMB), 1), row.delay === null ? '' : spread(row.runs.map((f) => f.connections)),
    ]);
  }
  console.log('\n' + lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
  const alone = median(isolation.alone);
  const beside = median(isolation.beside);
  console.log(`\nHead of line: ${HEALTHY} deliveries to a healthy push service took ${spread(isolation.alone.map((s) => s * 1000))} ms alone and ${spread(isolation.beside.map((s) => s * 1000))} ms beside ${HANGING} to one that never answers (h2, 0 ms).`);

  const targets: [string, boolean | null, string][] = [];
  for (const protocol of PROTOCOLS) {
    const at100 = rate(serverAt(100, protocol));
    const at0 = rate(serverAt(0, protocol));
    targets.push([`${protocol}: at 100 ms >= 0.8x own 0-ms rate`, Number.isNaN(at100 + at0) ? null : at100 >= 0.8 * at0, `${(at100 / at0).toFixed(2)}x`]);
    targets.push([`${protocol}: at 100 ms >= 2.5x web-push`, Number.isNaN(at100) ? null : at100 >= 2.5 * rate(webPushAt(100)), `${(at100 / rate(webPushAt(100))).toFixed(2)}x`]);
    targets.push([`${protocol}: at 0 ms >= 4x web-push`, Number.isNaN(at0) ? null : at0 >= 4 * rate(webPushAt(0)), `${(at0 / rate(webPushAt(0))).toFixed(2)}x`]);
    const cpu = median((serverAt(0, protocol)?.runs ?? []).map((f) => f.cpuUsPerMsg));
    targets.push([`${protocol}: CPU per message <= 2x the crypto floor`, Number.isNaN(cpu) ? null : cpu <= 2 * floorUs, `${(cpu / floorUs).toFixed(2)}x (${cpu.toFixed(0)} vs ${floorUs.toFixed(0)} us)`]);
  }
  targets.push([`healthy beside hanging within 3x alone`, beside <= 3 * alone, `${(beside / alone).toFixed(2)}x`]);
  console.log('\nTargets (medians of this run):');
  for (const [name, met, value] of targets) console.log(`  ${met === null ? 'n/a ' : met ? 'met ' : 'MISS'}  ${name}: ${value}`);
}
