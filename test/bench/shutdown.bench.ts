/**
 * `npm run bench:shutdown`: how long `dwpush serve` takes to exit on SIGTERM while its push service
 * hangs (accepts requests, never answers), with the default --timeout-ms and --shutdown-timeout-ms,
 * and how many requests left after the signal (none should). BENCH_RUNS times (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockPushService } from '../support/mock-push-service.js';
import { ADMIN_TOKEN, validMessage } from '../support/push-server-harness.js';
import { spawnServer, waitFor } from '../support/spawn-server.js';

const SUBSCRIBERS = 500;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
const mock = await startMockPushService();
console.log(`bench:shutdown  ${SUBSCRIBERS} subscribers on a hanging push service, default timeouts, ${RUNS} runs`);
for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'dwp-bench-shutdown-'));
  const server = await spawnServer(['--data-dir', dir, '--allow-push-origin', mock.origin, '--client-rate-limit', '0'], { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
  const subs = Array.from({ length: SUBSCRIBERS }, () => mock.subscribe([{ hang: true }]));
  for (const { subscription } of subs) await fetch(`${server.url}/api/subscriptions`, { method: 'POST', headers: auth, body: JSON.stringify({ subscription }) });
  await fetch(`${server.url}/api/notifications`, { method: 'POST', headers: auth, body: JSON.stringify({ message: validMessage() }) });
  const count = () => subs.reduce((n, s) => n + mock.received(s.id).length, 0);
  await waitFor(async () => (count() > 0 ? true : undefined), 30_000, 10);
  await new Promise((r) => setTimeout(r, 1000));
  const inFlight = count();
  const signalled = performance.now();
  server.child.kill('SIGTERM');
  const code = await server.exited;
  const seconds = (performance.now() - signalled) / 1000;
  console.log(`run ${run}: exit ${code} after ${seconds.toFixed(2)} s; requests in flight at SIGTERM ${inFlight}, sent after it ${count() - inFlight}; ${SUBSCRIBERS - inFlight} queued stay pending`);
  rmSync(dir, { recursive: true, force: true });
}
await mock.close();
