import type Database from 'better-sqlite3';
import { canonicalEndpoint } from '../canonical-endpoint.js';
import { BATCH_SIZE } from './store.js';

type Step = (db: Database.Database) => void;

/**
 * The SQLite schema, one step per version (`PRAGMA user_version` counts the steps applied). Steps
 * are only ever appended: a database made by an older release is brought forward at start. Step 1
 * is the schema before versioning (hence IF NOT EXISTS: such databases already have it); steps 1
 * and 2 leave what the release that first numbered them left.
 */
export const SQLITE_MIGRATIONS: readonly Step[] = [
  // 1: the schema before versioning, and the last failure's code.
  (db) => {
    db.exec(`CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER PRIMARY KEY,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    origin TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS subscription_channels (
    channel TEXT NOT NULL,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    PRIMARY KEY (channel, subscription_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS subscription_channels_by_subscription ON subscription_channels(subscription_id);
  CREATE TABLE IF NOT EXISTS broadcasts (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    payload BLOB NOT NULL,
    channel TEXT,
    ttl INTEGER NOT NULL,
    urgency TEXT,
    topic TEXT,
    status TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    gone INTEGER NOT NULL DEFAULT 0,
    problems TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS deliveries (
    broadcast_id TEXT NOT NULL,
    subscription_id INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER,
    PRIMARY KEY (broadcast_id, subscription_id)
  ) WITHOUT ROWID;`);
    // A delivery keeps the code of its last failure with no HTTP answer (error-codes.ts); a
    // database of the release whose step 1 was only this has the column already.
    if (!hasColumn(db, 'deliveries', 'last_error')) db.exec('ALTER TABLE deliveries ADD COLUMN last_error TEXT');
  },

  // 2: one push resource, one row (spec-notes.md#push-server): endpoints in canonical form.
  canonicalEndpoints,

  // 3: batches with leases and their own counters (no hot counter row); shared settings. Existing
  // broadcasts get their batches, counted from their delivery rows.
  (db) => db.exec(`CREATE TABLE batches (
    broadcast_id TEXT NOT NULL,
    batch INTEGER NOT NULL,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    total INTEGER NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    gone INTEGER NOT NULL DEFAULT 0,
    due_at INTEGER,
    lease_owner TEXT,
    lease_until INTEGER,
    PRIMARY KEY (broadcast_id, batch)
  ) WITHOUT ROWID;
  CREATE INDEX batches_open ON batches(due_at) WHERE due_at IS NOT NULL;
  INSERT INTO batches (broadcast_id, batch, first_id, last_id, total, sent, failed, gone, due_at)
    SELECT broadcast_id, (rn - 1) / ${BATCH_SIZE}, min(subscription_id), max(subscription_id), count(*),
      sum(state = 'sent'), sum(state = 'failed'), sum(state = 'gone'),
      CASE WHEN sum(state = 'pending') > 0 THEN 0 END
    FROM (SELECT broadcast_id, subscription_id, state, row_number() OVER (PARTITION BY broadcast_id ORDER BY subscription_id) AS rn FROM deliveries)
    GROUP BY broadcast_id, (rn - 1) / ${BATCH_SIZE};
  UPDATE batches SET due_at = NULL WHERE broadcast_id IN (SELECT id FROM broadcasts WHERE status IN ('done', 'failed'));
  ALTER TABLE broadcasts DROP COLUMN sent;
  ALTER TABLE broadcasts DROP COLUMN failed;
  ALTER TABLE broadcasts DROP COLUMN gone;
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`),

  // 4: audiences (spec-notes.md#grants): a subscription's user and last outcome; a broadcast's
  // target, schedule and deliveries left unsent (cancelled, expired); a delivery's push service.
  (db) => db.exec(`ALTER TABLE subscriptions ADD COLUMN user_id TEXT;
  ALTER TABLE subscriptions ADD COLUMN last_outcome TEXT;
  ALTER TABLE subscriptions ADD COLUMN last_status INTEGER;
  ALTER TABLE subscriptions ADD COLUMN last_outcome_at INTEGER;
  CREATE INDEX subscriptions_by_user ON subscriptions(user_id) WHERE user_id IS NOT NULL;
  ALTER TABLE broadcasts ADD COLUMN target TEXT;
  ALTER TABLE broadcasts ADD COLUMN send_at INTEGER;
  ALTER TABLE broadcasts ADD COLUMN unsent INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX IF NOT EXISTS broadcasts_by_seq ON broadcasts(seq);
  ALTER TABLE deliveries ADD COLUMN origin TEXT;`),
];

/**
 * Rewrites every endpoint to its canonical spelling. Rows that spell one resource several ways
 * become the newest of them (its keys are the latest), with the channels of all; a row whose
 * endpoint the guard would refuse today (control characters) is deleted. A deleted row's pending
 * deliveries then count as gone, like any unsubscribed recipient: the kept row has its own.
 */
function canonicalEndpoints(db: Database.Database): void {
  const rows = db.prepare('SELECT id, endpoint FROM subscriptions ORDER BY id DESC').iterate() as Iterable<{ id: number; endpoint: string }>;
  const kept = new Map<string, number>();
  const renames: [URL, number][] = [];
  const merges: [number, number][] = [];
  const deletions: number[] = [];
  for (const { id, endpoint } of rows) {
    const url = canonicalEndpoint(endpoint);
    if (url === null) deletions.push(id);
    else if (kept.has(url.href)) merges.push([id, kept.get(url.href)!]);
    else {
      kept.set(url.href, id);
      if (url.href !== endpoint) renames.push([url, id]);
    }
  }
  const moveChannels = db.prepare('INSERT OR IGNORE INTO subscription_channels (channel, subscription_id) SELECT channel, ? FROM subscription_channels WHERE subscription_id = ?');
  const remove = db.prepare('DELETE FROM subscriptions WHERE id = ?');
  for (const [from, to] of merges) {
    moveChannels.run(to, from);
    remove.run(from);
  }
  for (const id of deletions) remove.run(id);
  const rename = db.prepare('UPDATE subscriptions SET endpoint = ?, origin = ? WHERE id = ?');
  for (const [url, id] of renames) rename.run(url.href, url.origin, id);
}

/**
 * Brings the schema to the latest version inside one write transaction (BEGIN IMMEDIATE), so two
 * processes opening the same new file at once apply each step once.
 */
export function migrateSqlite(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SQLITE_MIGRATIONS.length) {
      throw new Error(`the database is at schema version ${version}, newer than this release knows (${SQLITE_MIGRATIONS.length}): upgrade dwpush`);
    }
    for (let v = version; v < SQLITE_MIGRATIONS.length; v++) SQLITE_MIGRATIONS[v]!(db);
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
  }).immediate();
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.pragma(`table_info(${table})`) as { name: string }[]).some((c) => c.name === column);
}
