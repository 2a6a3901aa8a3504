import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readVapidKeys } from '../../server/vapid-keys.js';
import { validMessage } from '../support/push-server-harness.js';
import { spawnServer, useServerFixtures, waitFor } from '../support/spawn-server.js';

const f = useServerFixtures('dwp-secrets-', { beforeAll, afterAll });

async function exchange(url: string, path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}${path}`, init);
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  return { status: res.status, text: `${headers}\n${await res.text()}` };
}

it('never puts the VAPID private key, the admin token or the grant secret in logs or responses; shows a generated token once', async () => {
  const first = await spawnServer(['--data-dir', f.dir, '--allow-push-origin', f.mock.origin]);
  f.servers.push(first);
  // No terminal: the generated token is in a 0600 file the log names, never in the log itself.
  const tokenFile = join(f.dir, 'admin-token.txt');
  expect(first.output()).toContain(tokenFile);
  expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  const token = readFileSync(tokenFile, 'utf8').trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  rmSync(tokenFile);
  const { privateKey, publicKey } = JSON.parse(readFileSync(join(f.dir, 'vapid-keys.json'), 'utf8')) as { privateKey: string; publicKey: string };
  const grantSecret = readFileSync(join(f.dir, 'grant-secret'), 'utf8').trim();
  expect(grantSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const { id, subscription } = f.mock.subscribe([{ status: 403 }]);
  const replies = [
    await exchange(first.url, '/api/vapid-public-key'),
    await exchange(first.url, '/api/subscriptions', { method: 'POST', headers: auth, body: JSON.stringify({ subscription }) }),
    await exchange(first.url, '/api/notifications', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
    await exchange(first.url, '/api/notifications', { method: 'POST', headers: auth, body: JSON.stringify({ message: { web_push: 8030 } }) }),
    await exchange(first.url, '/api/lint', { method: 'POST', headers: auth, body: JSON.stringify({ message: validMessage() }) }),
    await exchange(first.url, '/api/grants', { method: 'POST', headers: auth, body: JSON.stringify({ user: 'alice' }) }),
    await exchange(first.url, '/api/subscriptions', { method: 'POST', headers: auth, body: JSON.stringify({ subscription, grant: 'dwpg1.e30.forged' }) }),
    await exchange(first.url, '/metrics', { headers: auth }),
  ];
  const created = await exchange(first.url, '/api/notifications', { method: 'POST', headers: auth, body: JSON.stringify({ message: validMessage() }) });
  const broadcastId = (JSON.parse(created.text.slice(created.text.indexOf('{'))) as { id: string }).id;
  replies.push(created);
  await waitFor(async () => {
    const r = await exchange(first.url, `/api/notifications/${broadcastId}`, { headers: auth });
    replies.push(r);
    return r.text.includes('"status":"done"') ? true : undefined;
  });
  expect(f.mock.received(id)).toHaveLength(1);
  expect(replies[0]!.text).toContain(publicKey);

  for (const reply of replies) {
    expect(reply.text).not.toContain(privateKey);
    expect(reply.text).not.toContain(token);
    expect(reply.text).not.toContain(grantSecret);
  }
  expect(first.output()).not.toContain(privateKey);
  expect(first.output()).not.toContain(token);
  expect(first.output()).not.toContain(grantSecret);
  first.child.kill('SIGTERM');
  await first.exited;

  // A restart does not show it again; the data directory holds only its hash, readable by the owner only.
  const second = await spawnServer(['--data-dir', f.dir, '--allow-push-origin', f.mock.origin]);
  f.servers.push(second);
  expect((await exchange(second.url, `/api/notifications/${broadcastId}`, { headers: auth })).status).toBe(200);
  second.child.kill('SIGTERM');
  await second.exited;
  expect(second.output()).not.toContain(token);
  expect(second.output()).not.toContain('generated an admin token');
  expect(existsSync(tokenFile)).toBe(false);
  expect(second.output()).not.toContain(privateKey);
  for (const file of readdirSync(f.dir)) {
    expect(readFileSync(join(f.dir, file)).includes(token!), file).toBe(false);
  }
  expect(statSync(join(f.dir, 'vapid-keys.json')).mode & 0o777).toBe(0o600);
  expect(statSync(join(f.dir, 'admin-token.sha256')).mode & 0o777).toBe(0o600);
  expect(statSync(join(f.dir, 'grant-secret')).mode & 0o777).toBe(0o600);
});

it('a damaged VAPID key file is reported without quoting the private key in it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwp-damaged-keys-'));
  try {
    const file = join(dir, 'vapid-keys.json');
    const privateKey = 'k'.repeat(43);
    writeFileSync(file, `{"publicKey": "AAAA", "privateKey": ${privateKey}"}`); // the opening quote lost
    let thrown: unknown;
    try {
      readVapidKeys(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'invalid-vapid-keys', message: `${file} is not JSON` });
    expect((thrown as Error).message).not.toContain('kkkk');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('shows a generated admin token on the terminal (stderr), never on the log stream, and writes no file then', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwp-tty-token-'));
  const log = join(dir, 'log.txt');
  const data = join(dir, 'data');
  try {
    // util-linux `script` gives the server a terminal; the log (stdout) goes to a file.
    const command = `exec "${process.execPath}" --import tsx cli/dwpush.ts serve --port 0 --data-dir "${data}" > "${log}"`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), env: { ...process.env, DWP_ADMIN_TOKEN: '' }, detached: true });
    let terminal = '';
    child.stdout.on('data', (chunk: Buffer) => { terminal += chunk.toString('utf8'); });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const token = await waitFor(async () => /Admin token[^\n]*\r?\n\r?\n {2}(\S+)/.exec(terminal)?.[1], 30_000);
    await waitFor(async () => (readFileSync(log, 'utf8').includes('listening on') ? true : undefined), 30_000);
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(readFileSync(log, 'utf8')).not.toContain(token);
    expect(existsSync(join(data, 'admin-token.txt'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
