import { loadWithPeer } from './optional-peer.js';
import { PushError } from './push-error.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { sharedAdminToken, sharedVapidKeys } from './shared-secrets.js';
import { isTransientStoreError } from './store/retry-store-call.js';
import type { Store } from './store/store.js';
import type { AdminToken } from './admin-token-file.js';
import type { VapidKeys } from './vapid-keys.js';

export interface OpenedDatabase {
  store: Store;
  scheduler: Scheduler;
  keys: VapidKeys;
  keysCreated: boolean;
  token: AdminToken;
}

/** How long a starting process waits for an unreachable database (it may be starting too) before it gives up. */
const START_WAIT_MS = 60_000;

/**
 * A PostgreSQL database shared by any number of processes: the store (schema migrated under a
 * lock), the pg-boss scheduler, and the keys and token kept in it. pg and pg-boss are optional
 * peers, loaded only here.
 */
export async function openPostgres(url: string, options: { vapidKeys?: VapidKeys; adminToken?: string; log: (line: string) => void }): Promise<OpenedDatabase> {
  const { PostgresStore } = await loadWithPeer(() => import('./store/postgres-store.js'), 'pg', 'the PostgreSQL store (--database)');
  const { PgBossScheduler } = await loadWithPeer(() => import('./scheduler/pg-boss-scheduler.js'), 'pg-boss', 'the PostgreSQL job queue (--database)');
  const store = await waitForDatabase(() => PostgresStore.open(url, { log: options.log }), options.log);
  try {
    const scheduler = await waitForDatabase(() => PgBossScheduler.open(url, options.log), options.log);
    const { keys, created } = await sharedVapidKeys(store, options.vapidKeys);
    const token = await sharedAdminToken(store, options.adminToken);
    return { store, scheduler, keys, keysCreated: created, token };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function waitForDatabase<T>(open: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const end = Date.now() + START_WAIT_MS;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await open();
    } catch (error) {
      if (!isTransientStoreError(error) || Date.now() + delay > end) {
        if (error instanceof PushError) throw error;
        throw new PushError('database-unusable', `cannot use the database: ${(error as Error).message}`);
      }
      log(`database not reachable (${(error as Error).message}); trying again in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
