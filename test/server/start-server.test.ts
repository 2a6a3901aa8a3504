import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerConfig } from '../../server/start-server.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const dir = mkdtempSync(join(tmpdir(), 'dwp-start-'));
  dirs.push(dir);
  return {
    port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), subject: 'mailto:ops@example.com', allowPushOrigins: [],
    concurrency: 4, maxAttempts: 2, timeoutMs: 1000, workers: 0, adminToken: 'a-test-admin-token-of-some-length', log: () => {},
    ...overrides,
  };
}

describe('startServer', () => {
  it('says the address is in use with its own code, not invalid-option', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      await expect(startServer(serverConfig({ port }))).rejects.toMatchObject({ code: 'listen-failed', message: expect.stringContaining('in use') });
    } finally {
      taken.close();
    }
  });

  it('makes a pre-existing 755 data directory 0700 and every file in it 0600: the database, its WAL and SHM, the keys', async () => {
    const config = serverConfig();
    mkdirSync(config.dataDir, { mode: 0o755 });
    chmodSync(config.dataDir, 0o755);
    const first = await startServer(config);
    first.store.saveSubscription({ endpoint: 'https://fcm.googleapis.com/fcm/send/x', keys: { p256dh: 'p', auth: 'a' } }, 'https://fcm.googleapis.com');
    await first.close();
    // An older version, or an operator, left everything readable by all.
    chmodSync(config.dataDir, 0o755);
    for (const name of readdirSync(config.dataDir)) chmodSync(join(config.dataDir, name), 0o644);
    writeFileSync(join(config.dataDir, 'dwp.sqlite-shm'), '', { flag: 'a', mode: 0o644 });

    const second = await startServer(config);
    try {
      second.store.saveSubscription({ endpoint: 'https://fcm.googleapis.com/fcm/send/y', keys: { p256dh: 'p', auth: 'a' } }, 'https://fcm.googleapis.com');
      expect(statSync(config.dataDir).mode & 0o777).toBe(0o700);
      const names = readdirSync(config.dataDir);
      expect(names).toEqual(expect.arrayContaining(['dwp.sqlite', 'dwp.sqlite-wal', 'dwp.sqlite-shm', 'vapid-keys.json']));
      for (const name of names) expect(statSync(join(config.dataDir, name)).mode & 0o777, name).toBe(0o600);
    } finally {
      await second.close();
    }
  });

  it('creates the database, WAL and SHM 0600 in a new data directory', async () => {
    const config = serverConfig();
    const server = await startServer(config);
    try {
      server.store.saveSubscription({ endpoint: 'https://fcm.googleapis.com/fcm/send/x', keys: { p256dh: 'p', auth: 'a' } }, 'https://fcm.googleapis.com');
      expect(statSync(config.dataDir).mode & 0o777).toBe(0o700);
      for (const name of ['dwp.sqlite', 'dwp.sqlite-wal', 'dwp.sqlite-shm']) expect(statSync(join(config.dataDir, name)).mode & 0o777, name).toBe(0o600);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['white space', 'a-long-enough-admin-token\n', /white space/],
    ['an inner space', 'a long enough admin token', /white space/],
    ['too few characters', 'short-token', /11 characters; at least 16/],
  ])('refuses an admin token with %s at start, saying why, before writing anything', async (_why, adminToken, reason) => {
    const config = serverConfig({ adminToken });
    await expect(startServer(config)).rejects.toMatchObject({ code: 'invalid-option', message: expect.stringMatching(reason) });
    expect(existsSync(config.dataDir)).toBe(false);
  });

  /** Writes raw bytes to the server and collects what comes back until it closes the connection. */
  function raw(url: string, chunks: string[]): Promise<{ text: string; ms: number }> {
    const { hostname, port } = new URL(url);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => { for (const chunk of chunks) socket.write(chunk); });
      let text = '';
      socket.on('data', (data) => { text += data.toString('utf8'); });
      socket.on('close', () => resolve({ text, ms: Date.now() - started }));
      socket.on('error', reject);
    });
  }

  it("answers what Node's HTTP parser refuses in the API's error shape", async () => {
    const server = await startServer(serverConfig());
    try {
      const garbage = await raw(server.url, ['NOT HTTP AT ALL\r\n\r\n']);
      expect(garbage.text).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(garbage.text.slice(garbage.text.indexOf('{')))).toMatchObject({ error: { code: 'bad-request' } });
      const huge = await raw(server.url, [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
      expect(huge.text).toMatch(/^HTTP\/1\.1 431 /);
      expect(huge.text).toContain('"code":"headers-too-large"');
    } finally {
      await server.close();
    }
  });

  it('drops a client that sends its headers too slowly (slowloris), answering 408', async () => {
    const server = await startServer(serverConfig({ connectionLimits: { headersTimeoutMs: 500, requestTimeoutMs: 1000 } }));
    try {
      const slow = await raw(server.url, ['POST /api/lint HTTP/1.1\r\nHost: x\r\n']);
      expect(slow.ms).toBeLessThan(3000);
      expect(slow.text).toMatch(/^HTTP\/1\.1 408 /);
      expect(slow.text).toContain('"code":"request-timeout"');
    } finally {
      await server.close();
    }
  });

  it('limits each client on the real socket address; --client-rate-limit 0 turns it off', async () => {
    const lint = (url: string) => fetch(`${url}/api/lint`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"message": {}}' });
    const limited = await startServer(serverConfig({ clientRateLimit: 2 }));
    try {
      expect([(await lint(limited.url)).status, (await lint(limited.url)).status, (await lint(limited.url)).status]).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
    const open = await startServer(serverConfig({ clientRateLimit: 0 }));
    try {
      for (let i = 0; i < 5; i++) expect((await lint(open.url)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
