/**
 * `npm run bench:lint-route`: what one request to the open `POST /api/lint` can cost the server,
 * its answer size and CPU time, for the worst bodies we know (at the route's body limit), beside a
 * typical message in the same run (the floor a lint request costs anyway). A benchmark, not a test.
 */
import { LINT_BODY_LIMIT } from '../../server/app.js';
import { startHarness, validMessage } from '../support/push-server-harness.js';

const LIMIT = Number(process.env.BENCH_BODY_BYTES ?? LINT_BODY_LIMIT);

/** Bodies that make the most findings per byte. */
function worstCases(): Record<string, unknown> {
  const count = (unit: number) => Math.floor((LIMIT - 120) / unit);
  const base = { web_push: 8030, notification: { title: 't', navigate: 'https://example.com/' } };
  return {
    'typical message': validMessage(),
    'non-object actions [1,1,...]': { ...base, notification: { ...base.notification, actions: Array(count(2)).fill(1) } },
    'skipped actions [{},{},...]': { ...base, notification: { ...base.notification, actions: Array(count(3)).fill({}) } },
    'near-miss members {"naviga00":1,...}': {
      ...base, notification: { ...base.notification, ...Object.fromEntries(Array.from({ length: count(14) }, (_, i) => [`naviga${i.toString(36).padStart(2, '0')}`, 1])) },
    },
  };
}

const h = await startHarness({ engine: {} });
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
console.log(`bench:lint-route  ${ROUNDS} requests per body, through app.request (no sockets)`);
console.log('body'.padEnd(36), 'request B'.padStart(10), 'answer B'.padStart(10), 'findings'.padStart(9), 'CPU ms/req'.padStart(11), '× typical'.padStart(10));
let floor = 0;
for (const [name, message] of Object.entries(worstCases())) {
  const body = JSON.stringify({ message });
  let answer = '';
  const cpu = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) {
    const res = await h.app.request('/api/lint', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }, { incoming: { socket: { remoteAddress: `10.0.${i >> 8}.${i & 255}` } } });
    answer = await res.text();
  }
  const used = process.cpuUsage(cpu);
  const ms = (used.user + used.system) / 1000 / ROUNDS;
  floor ||= ms;
  const parsed = JSON.parse(answer) as { findings?: unknown[]; omitted?: number };
  const findings = (parsed.findings?.length ?? 0) + (parsed.omitted ?? 0);
  console.log(name.padEnd(36), String(body.length).padStart(10), String(answer.length).padStart(10), String(findings).padStart(9), ms.toFixed(2).padStart(11), (ms / floor).toFixed(1).padStart(10));
}
await h.close();
