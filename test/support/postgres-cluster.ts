/**
 * A throwaway PostgreSQL for tests: its own cluster (initdb, trust, no fsync) in a temp dir on a
 * free loopback port, removed afterwards; or, when `DWP_TEST_DATABASE_URL` is set (CI starts one
 * cluster), a fresh database on that server. Missing PostgreSQL skips the tests locally and fails
 * them in CI (env CI), as the browser tests do.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';

export interface PostgresCluster {
  url: string;
  /** pg_ctl restart (fast shutdown, then start on the same port). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The directory holding initdb and pg_ctl, or null. */
export function postgresBinDir(): string | null {
  if (process.env.DWP_POSTGRES_BIN && existsSync(join(process.env.DWP_POSTGRES_BIN, 'initdb'))) return process.env.DWP_POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const version of readdirSync(root).sort().reverse()) {
      if (existsSync(join(root, version, 'bin', 'initdb'))) return join(root, version, 'bin');
    }
  }
  const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = found.status === 0 ? found.stdout.trim() : '';
  return dir && existsSync(join(dir, 'initdb')) ? dir : null;
}

export const canStartPostgres = postgresBinDir() !== null;

/** describe() that skips without PostgreSQL locally and fails in CI. */
export function describeWithPostgres(name: string, body: () => void, needsOwnCluster = false): void {
  const available = needsOwnCluster ? canStartPostgres : canStartPostgres || !!process.env.DWP_TEST_DATABASE_URL;
  if (!available && process.env.CI) {
    describe(name, () => {
      throw new Error('PostgreSQL is needed in CI: install postgresql (initdb, pg_ctl) or set DWP_TEST_DATABASE_URL');
    });
    return;
  }
  describe.skipIf(!available)(name, body);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a cluster of its own (about 2 s). */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found');
  const dir = mkdtempSync(join(tmpdir(), 'dwp-pg-'));
  const asRoot = process.getuid?.() === 0;
  // As root, the cluster runs as the postgres user (PostgreSQL refuses root), in a directory it owns.
  if (asRoot) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) => execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { stdio: 'pipe' });
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () => run('pg_ctl', ['-D', data, '-w', '-t', '30', '-l', join(dir, 'log'), '-o', options, 'start']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      run('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']);
      start();
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-w', '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A fresh, empty database: on CI's server when there is one, else in a cluster of its own. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const shared = process.env.DWP_TEST_DATABASE_URL;
  if (!shared) {
    const cluster = await startPostgresCluster();
    return { url: cluster.url, drop: () => cluster.stop() };
  }
  const name = `dwp_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: shared });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(shared);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: shared });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const [uid, gid] = execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim().split('\n').concat(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid: Number(uid), gid: Number(gid) };
}
