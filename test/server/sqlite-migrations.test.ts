import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../server/store/sqlite-migrations.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database file as the version before the migrations wrote it: no last_error, endpoints as sent. */
function oldDatabase(rows: { endpoint: string; channels: string[] }[]): string {
  dir = mkdtempSync(join(tmpdir(), 'dwp-migrate-'));
  const file = join(dir, 'dwp.sqlite');
  const db = new Database(file);
  db.exec(`CREATE TABLE subscriptions (id INTEGER PRIMARY KEY, endpoint TEXT NOT NULL UNIQUE, p256dh TEXT NOT NULL, auth TEXT NOT NULL, origin TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE subscription_channels (channel TEXT NOT NULL, subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE, PRIMARY KEY (channel, subscription_id)) WITHOUT ROWID;
    CREATE TABLE deliveries (broadcast_id TEXT NOT NULL, subscription_id INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0, last_status INTEGER, PRIMARY KEY (broadcast_id, subscription_id)) WITHOUT ROWID;`);
  rows.forEach(({ endpoint, channels }, i) => {
    const { lastInsertRowid } = db.prepare('INSERT INTO subscriptions (endpoint, p256dh, auth, origin, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(endpoint, `p256dh-${i}`, `auth-${i}`, 'http://127.0.0.1:9100', i);
    for (const channel of channels) db.prepare('INSERT INTO subscription_channels VALUES (?, ?)').run(channel, lastInsertRowid);
  });
  db.close();
  return file;
}

describe('SQLite migrations at start', () => {
  it('makes one row of each push resource stored under several spellings, newest keys and all channels kept', async () => {
    const file = oldDatabase([
      { endpoint: 'http://127.0.0.1:9100/push/1', channels: ['news'] },
      { endpoint: 'http:\\\\127.0.0.1:9100\\push\\1', channels: ['sport'] },
      { endpoint: 'http://2130706433:9100/push/1', channels: [] },
      { endpoint: 'http://127.0.0.1:9100/pu\tsh/1', channels: ['news'] },
      { endpoint: 'http://127.0.0.1:9100/push/2', channels: ['news'] },
    ]);
    const store = new SqliteStore(file);
    try {
      expect(await store.countSubscriptions()).toBe(2);
      expect((await store.getSubscription('http://127.0.0.1:9100/push/1'))?.keys).toEqual({ p256dh: 'p256dh-2', auth: 'auth-2' });
      const channels = store.db.prepare(`SELECT channel FROM subscription_channels c JOIN subscriptions s ON s.id = c.subscription_id
        WHERE s.endpoint = ? ORDER BY channel`).all('http://127.0.0.1:9100/push/1');
      expect(channels).toEqual([{ channel: 'news' }, { channel: 'sport' }]);
      expect(await store.getSubscription('http://127.0.0.1:9100/push/2')).toBeDefined();
      expect(store.db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    } finally {
      await store.close();
    }
    // Run once: a second start changes nothing.
    const again = new SqliteStore(file);
    expect(await again.countSubscriptions()).toBe(2);
    await again.close();
  });
});
