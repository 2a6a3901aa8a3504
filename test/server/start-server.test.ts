import { mkdtempSync, rmSync } from 'node:fs';
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
});
