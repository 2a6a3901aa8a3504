import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
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
});
