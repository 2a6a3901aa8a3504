import type Database from 'better-sqlite3';
import { canonicalEndpoint } from '../canonical-endpoint.js';

type Step = (db: Database.Database) => void;

/**
 * What brings a database file written by an older version up to SCHEMA, in order; `PRAGMA
 * user_version` counts the steps applied, so each runs once per file, in one transaction with the
 * version bump. SCHEMA already holds the result for a new file: every step must be a no-op there.
 */
export const SQLITE_MIGRATIONS: readonly Step[] = [
  // 1: a delivery keeps the code of its last failure with no HTTP answer (error-codes.ts).
  (db) => {
    if (!hasColumn(db, 'deliveries', 'last_error')) db.exec('ALTER TABLE deliveries ADD COLUMN last_error TEXT');
  },
  // 2: one push resource, one row (spec-notes.md#push-server): endpoints in canonical form.
  canonicalEndpoints,
  // 3: audiences (spec-notes.md#grants): a subscription's user and last outcome; a broadcast's
  // target, schedule and unsent count; a delivery's push service, for counts per push service.
  (db) => {
    for (const [table, column, definition] of [
      ['subscriptions', 'user_id', 'TEXT'],
      ['subscriptions', 'last_outcome', 'TEXT'],
      ['subscriptions', 'last_status', 'INTEGER'],
      ['subscriptions', 'last_outcome_at', 'INTEGER'],
      ['broadcasts', 'target', 'TEXT'],
      ['broadcasts', 'send_at', 'INTEGER'],
      ['broadcasts', 'unsent', 'INTEGER NOT NULL DEFAULT 0'],
      ['deliveries', 'origin', 'TEXT'],
    ] as const) {
      if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    }
  },
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

export function migrateSqlite(db: Database.Database, steps: readonly Step[] = SQLITE_MIGRATIONS): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < steps.length; i++) {
    db.transaction(() => {
      steps[i]!(db);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.pragma(`table_info(${table})`) as { name: string }[]).some((c) => c.name === column);
}
