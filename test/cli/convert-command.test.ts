import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, dwpush } from './run-dwpush.js';

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'dwp-convert-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, value: unknown) => {
  writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return join(dir, name);
};

describe('dwpush convert', () => {
  it('prints an FCM message as a declarative message, notes on stderr, exit 0 when it lints valid', () => {
    const fcm = file('fcm.json', { message: { token: 't', webpush: { headers: { TTL: '60' }, notification: { title: 'Sale', body: 'b' }, fcm_options: { link: 'https://shop.example/sale' } } } });
    const run = dwpush(['convert', fcm]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ web_push: 8030, notification: { title: 'Sale', navigate: 'https://shop.example/sale', body: 'b' } });
    expect(run.stderr).toContain('message.token: dropped');
    expect(run.stderr).toContain('dwpush send --ttl 60');
    expect(run.stderr).toContain('converted from fcm: valid');
  });

  it('reads standard input and a --map; exit 1 with the best-effort result when navigate is missing', () => {
    const input = JSON.stringify({ headline: 'Hi', url: 'https://shop.example/x' });
    const mapped = dwpush(['convert', '--from', 'legacy', '--map', 'title=headline,navigate=url', '-'], input);
    expect(mapped.status).toBe(0);
    expect(JSON.parse(mapped.stdout).notification).toEqual({ title: 'Hi', navigate: 'https://shop.example/x' });
    const unmapped = dwpush(['convert', '--map', 'title=headline', '-'], input);
    expect(unmapped.status).toBe(1);
    expect(JSON.parse(unmapped.stdout).notification).toEqual({ title: 'Hi' });
    expect(unmapped.stderr).toContain('try --map navigate=url');
    expect(unmapped.stderr).toContain('navigate-missing');
  });

  it.each([
    [['convert'], 'give one input'],
    [['convert', '--from', 'apns', '-'], '--from must be'],
    [['convert', '--map', 'colour=c', '-'], "'colour' is not a declarative notification member"],
    [['convert', '--map', 'title', '-'], 'MEMBER=PATH'],
    [['convert', '--from', 'fcm', '--map', 'title=t', '-'], '--map goes with --from legacy'],
    [['convert', '/nonexistent/x.json'], 'cannot read'],
  ])('exit 2 for usage and I/O errors: %j', (args, text) => {
    const run = dwpush(args as string[], '{}');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(text);
  });

  it('exit 2 for input that is not a JSON object', () => {
    expect(dwpush(['convert', '-'], '[1]').stderr).toContain('not a JSON object');
    expect(dwpush(['convert', '-'], '{').status).toBe(2);
  });
});
