import type Database from 'better-sqlite3';

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
  // 2: audiences (spec-notes.md#grants): a subscription's user and last outcome; a broadcast's
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
