import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../server/store/sqlite-migrations.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { describeStoreContract } from './store-contract.js';

function tempFile(): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dwp-store-'));
  return { file: join(dir, 'dwp.sqlite'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describeStoreContract('SQLite', async () => {
  const { file, remove } = tempFile();
  const store = new SqliteStore(file);
  return { store, close: async () => { await store.close(); remove(); } };
});

describe('SQLite migrations', () => {
  it('brings a database of the unversioned schema forward, keeping its broadcasts and counts', async () => {
    const { file, remove } = tempFile();
    try {
      const old = new Database(file);
      SQLITE_MIGRATIONS[0]!(old);
      old.exec(`INSERT INTO subscriptions (id, endpoint, p256dh, auth, origin, created_at) VALUES (1, 'https://push.example/1', 'k', 'a', 'https://push.example', 0), (2, 'https://push.example/2', 'k', 'a', 'https://push.example', 0);
        INSERT INTO broadcasts (id, seq, payload, ttl, status, total, sent, created_at) VALUES ('b1', 1, x'00', 60, 'running', 2, 1, 0);
        INSERT INTO deliveries (broadcast_id, subscription_id, state) VALUES ('b1', 1, 'sent'), ('b1', 2, 'pending');`);
      old.close();
      const store = new SqliteStore(file);
      expect(store.db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      expect(await store.getBroadcast('b1')).toMatchObject({ status: 'running', total: 2, sent: 1, pending: 1 });
      expect(await store.openBatches()).toEqual([{ broadcastId: 'b1', batch: 0, dueInMs: 0 }]);
      await store.close();
      // Opening again changes nothing.
      const again = new SqliteStore(file);
      expect(await again.getBroadcast('b1')).toMatchObject({ sent: 1, pending: 1 });
      await again.close();
    } finally {
      remove();
    }
  });

  it('takes a database whose version 1 was the last_error column (the release before batches)', async () => {
    const { file, remove } = tempFile();
    try {
      const old = new Database(file);
      SQLITE_MIGRATIONS[0]!(old); // the schema with last_error, as that release left it
      old.pragma('user_version = 1');
      old.close();
      const store = new SqliteStore(file);
      expect(store.db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      expect(await store.openBatches()).toEqual([]);
      await store.close();
    } finally {
      remove();
    }
  });

  it('refuses a database from a newer release', () => {
    const { file, remove } = tempFile();
    try {
      const db = new Database(file);
      db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
      db.close();
      expect(() => new SqliteStore(file)).toThrow(/newer than this release knows/);
    } finally {
      remove();
    }
  });
});
