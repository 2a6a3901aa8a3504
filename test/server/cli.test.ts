import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { ADMIN_TOKEN, validMessage } from '../support/push-server-harness.js';
import { runDwpToEnd, spawnServer } from '../support/spawn-server.js';

let mock: MockPushService;
let dir: string;

beforeAll(async () => {
  mock = await startMockPushService();
  dir = mkdtempSync(join(tmpdir(), 'dwp-cli-'));
  writeFileSync(join(dir, 'message.json'), JSON.stringify(validMessage('From the CLI')));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ web_push: 8030, notification: { title: 'x', navigate: 'inbox' } }));
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const dwpush = runDwpToEnd;

describe('dwpush keys, dwpush send', () => {
  it('dwpush keys generates keys once and prints the same public key after', async () => {
    const data = join(dir, 'keys');
    const first = await dwpush(['keys', '--data-dir', data, '--json']);
    const second = await dwpush(['keys', '--data-dir', data, '--json']);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: true });
    expect(JSON.parse(second.stdout)).toEqual({ publicKey: JSON.parse(first.stdout).publicKey, created: false });
    expect(first.stdout + second.stdout).not.toContain(JSON.parse(readFileSync(join(data, 'vapid-keys.json'), 'utf8')).privateKey);
  });

  it('dwpush send --subscription sends one message, and refuses an invalid one with its findings', async () => {
    const data = join(dir, 'send');
    await dwpush(['keys', '--data-dir', data]);
    const { id, subscription } = mock.subscribe();
    writeFileSync(join(dir, 'sub.json'), JSON.stringify(subscription));
    const ok = await dwpush(['send', '--message', join(dir, 'message.json'), '--subscription', join(dir, 'sub.json'), '--data-dir', data, '--allow-push-origin', mock.origin]);
    expect(ok.stdout).toContain('answered 201');
    expect(ok.code).toBe(0);
    expect(JSON.parse(mock.received(id)[0]!.payload!)).toMatchObject({ notification: { title: 'From the CLI' } });

    const bad = await dwpush(['send', '--message', join(dir, 'bad.json'), '--subscription', join(dir, 'sub.json'), '--data-dir', data, '--allow-push-origin', mock.origin]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('/notification/navigate');
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(mock.received(id)).toHaveLength(1);

    const refused = await dwpush(['send', '--message', join(dir, 'message.json'), '--subscription', join(dir, 'sub.json'), '--data-dir', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('push-origin-not-allowed');
  });

  it('dwpush send --server broadcasts through a running server and prints a summary', async () => {
    const server = await spawnServer(['--data-dir', join(dir, 'server'), '--allow-push-origin', mock.origin], { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
    try {
      const subs = [mock.subscribe(), mock.subscribe([{ status: 410 }])];
      for (const { subscription } of subs) {
        await fetch(`${server.url}/api/subscriptions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ subscription }) });
      }
      writeFileSync(join(dir, 'legacy.json'), JSON.stringify({ title: 'Old shape', url: 'https://mail.example/12' }));
      const result = await dwpush(['send', '--message', join(dir, 'message.json'), '--legacy', join(dir, 'legacy.json'), '--server', server.url], { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
      expect(result.stdout).toMatch(/done: 1 sent, 0 failed, 1 gone .*of 2/);
      expect(result.code).toBe(0);
      // --legacy travels to the server: the subscriber gets the hybrid payload.
      expect(JSON.parse(mock.received(subs[0]!.id)[0]!.payload!)).toEqual({ ...validMessage('From the CLI'), title: 'Old shape', url: 'https://mail.example/12' });
      const denied = await dwpush(['send', '--message', join(dir, 'message.json'), '--server', server.url], { DWP_ADMIN_TOKEN: 'wrong-token-wrong-token' });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('unauthorized');
      expect(denied.stderr).toContain('server-error');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('explains usage mistakes without a stack trace', async () => {
    const result = await dwpush(['send', '--message', join(dir, 'message.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exactly one of --subscription FILE and --server URL');
    const missing = await dwpush(['send', '--message', join(dir, 'nope.json'), '--server', 'http://127.0.0.1:1']);
    expect(missing.stderr).toContain('cannot read --message');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('a --subscription file that is not JSON is refused without quoting its secrets', async () => {
    const secret = 'k3ep-this-auth-secret';
    writeFileSync(join(dir, 'broken-sub.json'), `{"endpoint": "https://fcm.googleapis.com/x", "keys": {"auth": "${secret}",}}`);
    const result = await dwpush(['send', '--message', join(dir, 'message.json'), '--subscription', join(dir, 'broken-sub.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--subscription is not JSON');
    expect(result.stderr).not.toContain(secret);
  });
});
