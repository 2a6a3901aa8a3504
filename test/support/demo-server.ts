/**
 * The real `dwpush serve` for browser tests of the demo page: a child process (spawn-server.ts) with a
 * temp data dir and its SQLite file, the public channel `news`, serving `server/public/` and the built `dist/polyfill/`, and
 * allowed to push to one loopback test push service. The test reads what the server stored straight
 * from its database (read-only; WAL lets it read while the server writes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../server/start-server.js';
import { ADMIN_TOKEN } from './push-server-harness.js';
import { spawnServer } from './spawn-server.js';

export { ADMIN_TOKEN };

export interface DemoServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The channels of the stored subscription with this endpoint, or null when none is stored. */
  channelsOf(endpoint: string): string[] | null;
  /** The user a grant linked the stored subscription with this endpoint to (null: none), or undefined when none is stored. */
  userOf(endpoint: string): string | null | undefined;
  /** Stops the server (SIGTERM, as Ctrl-C would) and removes its data. */
  close(): Promise<void>;
}

/** `args`: more `dwpush serve` flags (e.g. `--concurrency 1` to keep a broadcast running a while). */
export async function startDemoServer(options: { allowPushOrigin: string; args?: string[] }): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dwp-demo-'));
  const server = await spawnServer(['--data-dir', dir, '--allow-push-origin', options.allowPushOrigin, '--public-channel', 'news', ...(options.args ?? [])], { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  const subscription = db.prepare<[string], { id: number; user_id: string | null }>('SELECT id, user_id FROM subscriptions WHERE endpoint = ?');
  const channels = db.prepare<[number], { channel: string }>('SELECT channel FROM subscription_channels WHERE subscription_id = ? ORDER BY channel');
  let closed: Promise<void> | undefined;
  return {
    url: server.url,
    channelsOf(endpoint) {
      const row = subscription.get(endpoint);
      return row ? channels.all(row.id).map((r) => r.channel) : null;
    },
    userOf: (endpoint) => subscription.get(endpoint)?.user_id,
    close() {
      closed ??= (async () => {
        db.close();
        server.child.kill('SIGTERM');
        await server.exited;
        rmSync(dir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
