import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonRecords } from '../../server/json-records.js';
import { generateVapidKeys } from '../../server/vapid-keys.js';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { runDwpToEnd } from '../support/spawn-server.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';

let mock: MockPushService;
let dir: string;
beforeAll(async () => {
  mock = await startMockPushService();
  dir = mkdtempSync(join(tmpdir(), 'dwp-import-'));
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = runDwpToEnd;

const p256dh = (() => { const e = createECDH('prime256v1'); e.generateKeys(); return e.getPublicKey('base64url'); })();
const sub = (endpoint: string) => ({ endpoint, expirationTime: null, keys: { p256dh, auth: randomBytes(16).toString('base64url') } });

describe('readJsonRecords', () => {
  const records = async (chunks: string[]) => {
    const out = [];
    for await (const r of readJsonRecords(Readable.from(chunks.map((c) => Buffer.from(c))))) out.push(r);
    return out;
  };

  it('splits JSON Lines at newlines, across chunks, skipping blank lines, with line numbers', async () => {
    expect(await records(['{"a":1}\n\n{"b"', ':2}\n{"c":3}'])).toEqual([
      { line: 1, text: '{"a":1}' }, { line: 3, text: '{"b":2}' }, { line: 4, text: '{"c":3}' },
    ]);
  });

  it('splits a JSON array at its top-level commas, not those inside strings or objects, across chunks', async () => {
    const text = '\uFEFF [\n {"a": "x,]}\\"y", "b": [1, 2]},\n {"c": {"d": 1}}\n]\n';
    const whole = await records([text]);
    expect(whole).toEqual([{ line: 2, text: '{"a": "x,]}\\"y", "b": [1, 2]}' }, { line: 3, text: '{"c": {"d": 1}}' }]);
    expect(await records(text.split(''))).toEqual(whole); // one character per chunk
    expect(await records(['[]'])).toEqual([]);
  });
});

describe('dwpush import --subscriptions', () => {
  it('upserts through the API\'s checks, counts imported, updated and refused with reasons, and the records are stored as the API stores them', async () => {
    const data = join(dir, 'subs');
    const a = mock.subscribe().subscription;
    const lines = [
      JSON.stringify({ ...a, channels: ['news'] }),
      JSON.stringify(sub('https://fcm.googleapis.com/fcm/send/one')),
      JSON.stringify({ subscription: sub('https://fcm.googleapis.com/fcm/send/two'), channels: ['sport'] }), // the API's body shape
      '{"endpoint": "https://fcm.googleapis.com/fcm/send/broken", ',
      JSON.stringify(sub('http://169.254.169.254/latest/meta-data')),
      JSON.stringify({ ...sub('https://fcm.googleapis.com/fcm/send/three'), keys: { p256dh: 'AAAA', auth: 'x' } }),
      JSON.stringify(sub('https://fcm.googleapis.com/fcm/send/one')), // again: an update
    ];
    writeFileSync(join(dir, 'subs.jsonl'), `${lines.join('\n')}\n`);
    const result = await run(['import', '--data-dir', data, '--subscriptions', join(dir, 'subs.jsonl'), '--allow-push-origin', mock.origin]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^subscriptions: 3 imported, 1 updated, 3 refused \(1 invalid-json, 1 push-origin-not-allowed, 1 invalid-subscription\) in [\d.]+ s\n/);
    expect(result.stdout).toContain('line 4: invalid-json');
    expect(result.stdout).toContain('line 5: push-origin-not-allowed');
    expect(result.stdout).toContain('line 6: invalid-subscription');
    expect(result.stdout).not.toContain(a.keys.auth); // a refusal never quotes a record's secrets

    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'dwp.sqlite')).mode & 0o777).toBe(0o600);
    const store = new SqliteStore(join(data, 'dwp.sqlite'));
    try {
      expect(await store.countSubscriptions()).toBe(3);
      expect(await store.getSubscription('https://fcm.googleapis.com/fcm/send/two')).toBeDefined();
      const channels = store.db.prepare('SELECT channel FROM subscription_channels ORDER BY channel').all();
      expect(channels).toEqual([{ channel: 'news' }, { channel: 'sport' }]);
    } finally {
      await store.close();
    }
    // Imported subscriptions are the server's: a second import of the same file only updates.
    const again = await run(['import', '--data-dir', data, '--subscriptions', join(dir, 'subs.jsonl'), '--allow-push-origin', mock.origin]);
    expect(again.stdout).toMatch(/^subscriptions: 0 imported, 4 updated, 3 refused/);
  });

  it('reads a JSON array the same way', async () => {
    const data = join(dir, 'array');
    writeFileSync(join(dir, 'subs.json'), JSON.stringify([sub('https://fcm.googleapis.com/fcm/send/a'), sub('https://fcm.googleapis.com/fcm/send/b')], null, 2));
    const result = await run(['import', '--data-dir', data, '--subscriptions', join(dir, 'subs.json')]);
    expect(result.stdout).toMatch(/^subscriptions: 2 imported, 0 updated, 0 refused in/);
  });

  it('a missing file is a usage error and creates nothing', async () => {
    const data = join(dir, 'missing');
    const result = await run(['import', '--data-dir', data, '--subscriptions', join(dir, 'nope.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read --subscriptions');
    expect(() => statSync(data)).toThrow();
  });
});

describe('dwpush import --keys', () => {
  it('takes web-push\'s JSON or a .env file, checks the pair, and refuses to replace different keys without --force', async () => {
    const data = join(dir, 'keys');
    const keys = generateVapidKeys();
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(keys));
    const first = await run(['import', '--data-dir', data, '--keys', join(dir, 'keys.json')]);
    expect(first.stdout).toBe(`keys imported: public key ${keys.publicKey}\n`);
    expect(JSON.parse(readFileSync(join(data, 'vapid-keys.json'), 'utf8'))).toEqual(keys);
    expect(statSync(join(data, 'vapid-keys.json')).mode & 0o777).toBe(0o600);

    writeFileSync(join(dir, 'same.env'), `# from the old app\nexport VAPID_PUBLIC_KEY="${keys.publicKey}"\nVAPID_PRIVATE_KEY=${keys.privateKey}\n`);
    expect((await run(['import', '--data-dir', data, '--keys', join(dir, 'same.env')])).stdout).toContain('keys unchanged');

    const other = generateVapidKeys();
    writeFileSync(join(dir, 'other.json'), JSON.stringify(other));
    const refused = await run(['import', '--data-dir', data, '--keys', join(dir, 'other.json')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--force');
    expect(JSON.parse(readFileSync(join(data, 'vapid-keys.json'), 'utf8'))).toEqual(keys);
    const forced = await run(['import', '--data-dir', data, '--keys', join(dir, 'other.json'), '--force']);
    expect(forced.stdout).toContain('keys replaced');
    expect(JSON.parse(readFileSync(join(data, 'vapid-keys.json'), 'utf8'))).toEqual(other);
    expect((await run(['keys', '--data-dir', data])).stdout).toContain(other.publicKey);
  });

  it('refuses keys that are not one P-256 pair, without quoting the private key', async () => {
    const a = generateVapidKeys();
    const b = generateVapidKeys();
    writeFileSync(join(dir, 'mixed.json'), JSON.stringify({ publicKey: a.publicKey, privateKey: b.privateKey }));
    const mixed = await run(['import', '--data-dir', join(dir, 'mixed'), '--keys', join(dir, 'mixed.json')]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain('not one pair');
    expect(mixed.stderr).not.toContain(b.privateKey);
    writeFileSync(join(dir, 'short.env'), 'VAPID_PUBLIC_KEY=abc\n');
    expect((await run(['import', '--data-dir', join(dir, 'mixed'), '--keys', join(dir, 'short.env')])).stderr).toContain('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY');
  });
});
