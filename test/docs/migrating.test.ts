/**
 * docs/migrating.md, run as written: every `dwpush` command in its shell blocks is executed with
 * the built CLI, by `sh`, in a fresh directory holding the files it names, and checked; a command
 * in the guide this test does not know fails it. The server it starts (`dwpush serve`) gets an
 * ephemeral port and the loopback test push service through the environment (DWP_PORT,
 * DWP_ALLOW_PUSH_ORIGIN), so the command line stays the guide's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVapidKeys } from '../../server/vapid-keys.js';
import { assertBuilt, ROOT } from '../cli/run-dwpush.js';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { ADMIN_TOKEN } from '../support/push-server-harness.js';
import { waitFor } from '../support/spawn-server.js';

const GUIDE = readFileSync(join(ROOT, 'docs/migrating.md'), 'utf8');
const DWPUSH = join(ROOT, 'dist/cli/dwpush.js');

/** Every command line of the guide's ```sh blocks. */
const COMMANDS = [...GUIDE.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').filter((line) => line.trim() !== ''));

let dir: string;
let mock: MockPushService;
let server: ChildProcess | undefined;
let serverURL = '';
const keys = generateVapidKeys();
const LEGACY = { title: 'Example Shop', body: 'Your order has shipped', url: 'https://shop.example/orders/4417' };
const MESSAGE = { web_push: 8030, notification: { title: 'Your order has shipped', body: 'Parcel 4417 arrives on Thursday', navigate: 'https://shop.example/orders/4417' } };

/** Runs one guide line in `sh`, `npx dwpush` being the built CLI and the server the one the guide started. */
function sh(line: string, env: Record<string, string> = {}, detached = false): ChildProcess {
  const command = line.replace(/^DWP_ADMIN_TOKEN=\.\.\. /, '').replaceAll('npx dwpush', `"${process.execPath}" "${DWPUSH}"`).replaceAll('http://127.0.0.1:8080', serverURL);
  return spawn('sh', ['-c', command], { cwd: dir, env: { ...process.env, DWP_ADMIN_TOKEN: ADMIN_TOKEN, DWP_DATA_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached });
}

function run(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = sh(line);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c; });
  child.stderr!.on('data', (c: Buffer) => { stderr += c; });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

const p256dh = () => { const e = createECDH('prime256v1'); e.generateKeys(); return e.getPublicKey('base64url'); };
const sub = (endpoint: string, auth = randomBytes(16).toString('base64url')) => ({ endpoint, expirationTime: null, keys: { p256dh: p256dh(), auth } });

beforeAll(async () => {
  assertBuilt();
  mock = await startMockPushService();
  dir = mkdtempSync(join(tmpdir(), 'dwp-guide-'));
  writeFileSync(join(dir, 'vapid.json'), JSON.stringify(keys));
  writeFileSync(join(dir, '.env'), `VAPID_PUBLIC_KEY=${keys.publicKey}\nVAPID_PRIVATE_KEY=${keys.privateKey}\n`);
  writeFileSync(join(dir, 'subscriptions.jsonl'), [
    sub('https://fcm.googleapis.com/fcm/send/a'),
    { ...sub('https://updates.push.services.mozilla.com/wpush/v2/b'), channels: ['news'] },
    sub('https://fcm.googleapis.com/fcm/send/c', 'abc'),
  ].map((s) => JSON.stringify(s)).join('\n'));
  writeFileSync(join(dir, 'message.json'), JSON.stringify(MESSAGE));
  writeFileSync(join(dir, 'legacy.json'), JSON.stringify(LEGACY));
  writeFileSync(join(dir, 'fcm-message.json'), JSON.stringify({ message: { token: 't', notification: { title: 'Sale', body: 'Today only' }, webpush: { fcm_options: { link: 'https://shop.example/sale' } } } }));
  writeFileSync(join(dir, 'own-payload.json'), JSON.stringify({ headline: 'Sale', url: 'https://shop.example/sale', image: { src: 'https://shop.example/i.png' } }));
  mkdirSync(join(dir, 'messages'));
  writeFileSync(join(dir, 'messages', 'shipped.json'), JSON.stringify({ ...MESSAGE, ...LEGACY }));
  writeFileSync(join(dir, 'messages', 'sale.json'), JSON.stringify({ web_push: 8030, notification: { title: 'Sale', navigate: 'https://shop.example/sale' } }));
});
afterAll(async () => {
  // The server runs under `sh`: kill its whole process group, or `dwpush serve` outlives the test.
  if (server?.pid) process.kill(-server.pid, 'SIGKILL');
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What each command of the guide must do, by its exact text. */
const CHECKS: Record<string, (line: string) => Promise<void>> = {
  'npx dwpush import --data-dir .dwp-data --keys vapid.json': async (line) => {
    const result = await run(line);
    expect(result.stdout).toBe(`keys imported: public key ${keys.publicKey}\n`);
  },
  'npx dwpush import --data-dir .dwp-data --keys .env': async (line) => {
    expect((await run(line)).stdout).toBe(`keys unchanged: public key ${keys.publicKey}\n`);
  },
  'npx dwpush import --data-dir .dwp-data --subscriptions subscriptions.jsonl': async (line) => {
    const result = await run(line);
    // The output the guide shows, but for the time.
    const shown = /```\n(subscriptions: [^`]*)```/.exec(GUIDE)![1]!.replace(/in [\d.]+ s/, 'in X s');
    expect(result.stdout.replace(/in [\d.]+ s/, 'in X s')).toBe(shown);
  },
  'npx dwpush serve --data-dir .dwp-data': async (line) => {
    server = sh(line, { DWP_PORT: '0', DWP_ALLOW_PUSH_ORIGIN: mock.origin }, true);
    let output = '';
    server.stdout!.on('data', (c: Buffer) => { output += c; });
    server.stderr!.on('data', (c: Buffer) => { output += c; });
    serverURL = await waitFor(async () => /listening on (http:\/\/\S+)/.exec(output)?.[1], 15_000);
    const { publicKey } = (await (await fetch(`${serverURL}/api/vapid-public-key`)).json()) as { publicKey: string };
    expect(publicKey).toBe(keys.publicKey); // the imported keys, so imported subscriptions still work
    // The imported endpoints are real push services, out of reach here: this test's subscriber
    // takes their place for the sends that follow.
    for (const endpoint of ['https://fcm.googleapis.com/fcm/send/a', 'https://updates.push.services.mozilla.com/wpush/v2/b']) {
      await fetch(`${serverURL}/api/subscriptions`, { method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ endpoint }) });
    }
    subscriber = mock.subscribe();
    const added = await fetch(`${serverURL}/api/subscriptions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ subscription: subscriber.subscription }) });
    expect(added.status).toBe(201);
  },
  'DWP_ADMIN_TOKEN=... npx dwpush send --server http://127.0.0.1:8080 --message message.json --legacy legacy.json': async (line) => {
    const result = await run(line);
    expect(result.stdout).toMatch(/done: 1 sent, 0 failed/);
    expect(JSON.parse(mock.received(subscriber.id).at(-1)!.payload!)).toEqual({ ...MESSAGE, ...LEGACY });
  },
  'DWP_ADMIN_TOKEN=... npx dwpush send --server http://127.0.0.1:8080 --message message.json': async (line) => {
    const result = await run(line);
    expect(result.stdout).toMatch(/done: 1 sent, 0 failed/);
    expect(JSON.parse(mock.received(subscriber.id).at(-1)!.payload!)).toEqual(MESSAGE);
  },
  'npx dwpush convert fcm-message.json': async (line) => {
    const result = await run(line);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ web_push: 8030, notification: { title: 'Sale', navigate: 'https://shop.example/sale', body: 'Today only' } });
    expect(result.stderr).toContain('message.token: dropped');
  },
  'npx dwpush convert --map navigate=url,title=headline,icon=image.src own-payload.json': async (line) => {
    const result = await run(line);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ web_push: 8030, notification: { title: 'Sale', navigate: 'https://shop.example/sale', icon: 'https://shop.example/i.png' } });
  },
  'npx dwpush lint messages/*.json': async (line) => {
    const result = await run(line);
    expect(result.code).toBe(0); // a hybrid payload is valid
    expect(result.stdout).toContain('legacy-fields');
  },
};
let subscriber: ReturnType<MockPushService['subscribe']>;

describe('docs/migrating.md, every command as written', () => {
  it('knows every command of the guide', () => {
    expect(COMMANDS.filter((line) => !(line in CHECKS))).toEqual([]);
    expect(COMMANDS.length).toBe(Object.keys(CHECKS).length);
  });

  // In the guide's order: each step builds on the one before.
  it.each(COMMANDS.map((line) => [line]))('%s', async (line) => {
    await CHECKS[line]!(line);
  }, 30_000);
});
