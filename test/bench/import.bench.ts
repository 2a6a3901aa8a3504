/**
 * `npm run bench:import`: `dwpush import --subscriptions` on 100,000 JSON Lines (BENCH_IMPORT_N), run
 * three times as a real process into a fresh data directory, beside the floor measured in the same
 * run: the same file read and JSON.parse'd line by line and inserted into SQLite in one transaction,
 * with none of the checks (keys on the curve, SSRF guard, channels). A benchmark, not a test.
 */
import { spawnSync } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { ROOT } from '../cli/run-dwpush.js';

const N = Number(process.env.BENCH_IMPORT_N ?? 100_000);
const RUNS = 3;
const dir = mkdtempSync(join(tmpdir(), 'dwp-bench-import-'));
const file = join(dir, 'subscriptions.jsonl');

function generate(): void {
  const keys = Array.from({ length: 16 }, () => { const e = createECDH('prime256v1'); e.generateKeys(); return e.getPublicKey('base64url'); });
  const lines: string[] = [];
  for (let i = 0; i < N; i++) {
    lines.push(JSON.stringify({
      endpoint: `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('base64url')}:${i}`, expirationTime: null,
      keys: { p256dh: keys[i % 16], auth: randomBytes(16).toString('base64url') }, ...(i % 3 === 0 ? { channels: ['news'] } : {}),
    }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function importOnce(run: number): { seconds: number; output: string } {
  const data = join(dir, `data-${run}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(ROOT, 'dist/cli/dwpush.js'), 'import', '--data-dir', data, '--subscriptions', file], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(result.stderr);
  return { seconds, output: result.stdout.trim() };
}

async function floorOnce(run: number): Promise<number> {
  const started = performance.now();
  const db = new Database(join(dir, `floor-${run}.sqlite`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE s (id INTEGER PRIMARY KEY, endpoint TEXT UNIQUE, p256dh TEXT, auth TEXT)');
  const insert = db.prepare('INSERT INTO s (endpoint, p256dh, auth) VALUES (?, ?, ?) ON CONFLICT(endpoint) DO UPDATE SET p256dh = excluded.p256dh');
  let batch: { endpoint: string; keys: { p256dh: string; auth: string } }[] = [];
  const flush = db.transaction((rows: typeof batch) => { for (const r of rows) insert.run(r.endpoint, r.keys.p256dh, r.keys.auth); });
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (line) batch.push(JSON.parse(line));
    if (batch.length === 1000) { flush(batch); batch = []; }
  }
  flush(batch);
  db.close();
  return (performance.now() - started) / 1000;
}

generate();
console.log(`dwpush import --subscriptions: ${N} JSON Lines; the machine may be shared, so compare within a run`);
const imports: number[] = [];
const floors: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const { seconds, output } = importOnce(run);
  const floor = await floorOnce(run);
  imports.push(seconds);
  floors.push(floor);
  console.log(`run ${run + 1}: dwpush import ${seconds.toFixed(2)} s (process start included) | floor ${floor.toFixed(2)} s | ${(seconds / floor).toFixed(2)}x the floor | ${output}`);
}
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)} s`;
console.log(`dwpush import: ${range(imports)} (${Math.round(N / Math.min(...imports))} subscriptions/s at best); floor (JSON.parse + SQLite, no checks): ${range(floors)}`);
rmSync(dir, { recursive: true, force: true });
