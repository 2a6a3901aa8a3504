/**
 * npm run bench:send: one declarative message to N distinct subscriptions on a loopback HTTPS push
 * service (keep-alive, self-signed), measured three ways in the same run:
 *   web-push     web-push's own sendNotification, 64 at a time, with a keep-alive agent (it signs a VAPID JWT per message)
 *   engine       our fan-out (sendToMany): cached JWT, web-push's encryption in a worker thread, keep-alive
 *   server       the full path: POST /api/notifications -> SQLite -> broadcast engine, until done
 * Prints msgs/s and CPU microseconds per message (this process, all threads), the ratios against
 * web-push, and the server path's peak heap at N/4 and N (subscriptions are paged from SQLite).
 * The push service runs in its own process. BENCH_N (default 10000), BENCH_WORKERS (default 1).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpush from 'web-push';
import { createPushAgents, destroyPushAgents } from '../../server/post-push-request.js';
import { preparePayload } from '../../server/prepare-payload.js';
import { createPushOriginGuard } from '../../server/push-origin-guard.js';
import type { PushSubscriptionJSON } from '../../server/push-request.js';
import { createRequestBuilder } from '../../server/request-builder.js';
import { sendToMany } from '../../server/send-to-many.js';
import { startServer } from '../../server/start-server.js';
import { createVapidAuthorizer } from '../../server/vapid-authorization.js';
import { generateVapidKeys } from '../../server/vapid-keys.js';

const N = Number(process.env.BENCH_N ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const CONCURRENCY = 64;
const SUBJECT = 'mailto:bench@example.com';
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

interface Stats { requests: number; distinct: number; declarative: number; bytes: number; connections: number }
interface Figures { name: string; n: number; seconds: number; msgsPerSec: number; cpuUsPerMsg: number; connections: number; peakHeapMB?: number }

async function measure(keyFile: string, certFile: string): Promise<void> {
  const service = fork(join(here, 'bench-push-service.ts'), [keyFile, certFile], { execArgv: ['--import', 'tsx'] });
  const { port } = await ask<{ port: number }>(service);
  const origin = `https://127.0.0.1:${port}`;
  const keys = generateVapidKeys();
  const bytes = preparePayload({ web_push: 8030, notification: { title: 'Benchmark', body: 'One of many', navigate: 'https://app.example/inbox' } });
  const payload = Buffer.from(bytes);

  const started = performance.now();
  const subscriptions = makeSubscriptions(origin, N);
  console.log(`bench:send  N=${N}  concurrency ${CONCURRENCY}  encryption workers ${WORKERS}  (${Math.round(performance.now() - started)} ms to make ${N} subscriptions)`);

  const results: Figures[] = [];
  results.push(await run(service, 'web-push sendNotification', N, async () => {
    let next = 0;
    // web-push's documented agent option, so it gets keep-alive too: the comparison is about the rest.
    const options = { vapidDetails: { subject: SUBJECT, ...keys }, TTL: 60, agent: new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) };
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < subscriptions.length) await webpush.sendNotification(subscriptions[next++]!, payload, options);
    }));
  }));

  const builder = createRequestBuilder(WORKERS);
  const agents = createPushAgents({ maxSockets: CONCURRENCY });
  const context = { payload: bytes, options: { ttl: 60 } };
  await builder.build(context, subscriptions[0]!, 'warm-up'); // start the workers before the clock
  let failures = 0;
  results.push(await run(service, 'engine (sendToMany)', N, () => sendToMany(subscriptions, context, {
    guard: createPushOriginGuard([origin]), authorize: createVapidAuthorizer({ subject: SUBJECT, ...keys }), builder, agents, concurrency: CONCURRENCY,
    onResult: (_s, attempt) => { if (attempt.status !== 201) failures++; },
  })));
  await builder.close();
  destroyPushAgents(agents);
  if (failures > 0) throw new Error(`${failures} engine sends were not answered 201`);

  for (const n of [Math.floor(N / 4), N]) results.push(await runServer(service, origin, subscriptions.slice(0, n)));

  service.send('exit');
  print(results);
}

/** Distinct P-256 keys from node:crypto's ECDH (fast, about 50 us each). */
function makeSubscriptions(origin: string, n: number): PushSubscriptionJSON[] {
  return Array.from({ length: n }, (_, i) => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return { endpoint: `${origin}/push/${i}`, keys: { p256dh: ecdh.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url') } };
  });
}

async function run(service: ChildProcess, name: string, n: number, job: () => Promise<void>, sampleHeap = false): Promise<Figures> {
  await ask(service, 'reset');
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sampler = sampleHeap ? setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 10) : undefined;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await job();
  const seconds = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  clearInterval(sampler);
  const stats = await ask<Stats>(service, 'stats');
  if (stats.requests !== n || stats.distinct !== n) throw new Error(`${name}: the push service saw ${stats.requests} requests to ${stats.distinct} endpoints, expected ${n}`);
  return {
    name, n, seconds, msgsPerSec: n / seconds, cpuUsPerMsg: (user + system) / n, connections: stats.connections,
    ...(sampleHeap ? { peakHeapMB: (peak - heapBefore) / 2 ** 20 } : {}),
  };
}

/** The full server path, timed from the POST to the broadcast reported done. */
async function runServer(service: ChildProcess, origin: string, subscriptions: PushSubscriptionJSON[]): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dwp-bench-data-'));
  const adminToken = randomBytes(24).toString('base64url');
  const server = await startServer({
    port: 0, host: '127.0.0.1', dataDir, subject: SUBJECT, allowPushOrigins: [origin], concurrency: CONCURRENCY,
    maxAttempts: 5, timeoutMs: 30_000, workers: WORKERS, adminToken, log: () => {},
  });
  await server.store.saveSubscriptions(subscriptions.map((subscription) => ({ subscription, origin })));
  await new Promise((r) => setTimeout(r, 1000)); // let the encryption workers load before the clock starts
  const headers = { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' };
  const message = { web_push: 8030, notification: { title: 'Benchmark', body: 'One of many', navigate: 'https://app.example/inbox' } };
  try {
    return await run(service, `server (API -> SQLite -> fan-out)`, subscriptions.length, async () => {
      const res = await fetch(`${server.url}/api/notifications`, { method: 'POST', headers, body: JSON.stringify({ message, ttl: 60 }) });
      const { id } = (await res.json()) as { id: string };
      for (let polls = 0; ; polls++) {
        const status = (await (await fetch(`${server.url}/api/notifications/${id}`, { headers })).json()) as { status: string; sent: number; total: number };
        if (status.status === 'done') {
          if (status.sent !== status.total) throw new Error(`server: ${status.sent} of ${status.total} sent`);
          return;
        }
        if (polls > 6000) throw new Error('server: broadcast did not finish in 2 minutes');
        await new Promise((r) => setTimeout(r, 20));
      }
    }, true);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function ask<T>(child: ChildProcess, message?: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    if (message) child.send(message);
  });
}

function print(results: Figures[]): void {
  const base = results[0]!;
  console.log('\n' + ['contender'.padEnd(36), 'N'.padStart(6), 'msgs/s'.padStart(9), 'CPU us/msg'.padStart(11), 'x web-push'.padStart(11), 'peak heap'.padStart(10), 'TLS conns'.padStart(10)].join(' '));
  for (const r of results) {
    console.log([
      r.name.padEnd(36), String(r.n).padStart(6), r.msgsPerSec.toFixed(0).padStart(9), r.cpuUsPerMsg.toFixed(0).padStart(11),
      (r.msgsPerSec / base.msgsPerSec).toFixed(2).padStart(11), (r.peakHeapMB === undefined ? '' : `${r.peakHeapMB.toFixed(1)} MB`).padStart(10), String(r.connections).padStart(10),
    ].join(' '));
  }
  console.log('\nTargets: engine >= 3x web-push, server path >= 2.5x, server peak heap about the same at N/4 and N.');
}
