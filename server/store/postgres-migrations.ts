import type pg from 'pg';
import { PushError } from '../push-error.js';

/**
 * The PostgreSQL schema, one step per version, only ever appended. Ids are bigint (they come back
 * as strings and are read with Number); times are the database's `timestamptz`, so every process
 * agrees on what is due whatever its own clock says.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE subscriptions (
    id bigserial PRIMARY KEY,
    endpoint text NOT NULL UNIQUE,
    p256dh text NOT NULL,
    auth text NOT NULL,
    origin text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE subscription_channels (
    channel text NOT NULL,
    subscription_id bigint NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    PRIMARY KEY (channel, subscription_id)
  );
  CREATE INDEX subscription_channels_by_subscription ON subscription_channels(subscription_id);
  CREATE TABLE broadcasts (
    id text PRIMARY KEY,
    seq bigserial NOT NULL,
    payload bytea NOT NULL,
    channel text,
    ttl integer NOT NULL,
    urgency text,
    topic text,
    status text NOT NULL,
    total integer NOT NULL DEFAULT 0,
    problems jsonb NOT NULL DEFAULT '[]',
    error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  );
  CREATE TABLE deliveries (
    broadcast_id text NOT NULL,
    subscription_id bigint NOT NULL,
    state text NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT 'epoch',
    last_status integer,
    last_error text,
    PRIMARY KEY (broadcast_id, subscription_id)
  );
  CREATE TABLE batches (
    broadcast_id text NOT NULL,
    batch integer NOT NULL,
    first_id bigint NOT NULL,
    last_id bigint NOT NULL,
    total integer NOT NULL,
    sent integer NOT NULL DEFAULT 0,
    failed integer NOT NULL DEFAULT 0,
    gone integer NOT NULL DEFAULT 0,
    due_at timestamptz,
    lease_owner text,
    lease_until timestamptz,
    PRIMARY KEY (broadcast_id, batch)
  );
  CREATE INDEX batches_open ON batches(due_at) WHERE due_at IS NOT NULL;
  CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);`,
  // 2: audiences (spec-notes.md#grants): a subscription's user and last outcome; a broadcast's
  // target, schedule and deliveries left unsent (cancelled, expired); a delivery's push service.
  `ALTER TABLE subscriptions ADD COLUMN user_id text, ADD COLUMN last_outcome text, ADD COLUMN last_status integer, ADD COLUMN last_outcome_at timestamptz;
  CREATE INDEX subscriptions_by_user ON subscriptions(user_id) WHERE user_id IS NOT NULL;
  ALTER TABLE broadcasts ADD COLUMN target jsonb, ADD COLUMN send_at timestamptz, ADD COLUMN unsent integer NOT NULL DEFAULT 0;
  ALTER TABLE deliveries ADD COLUMN origin text;`,
];

/** Any number: one key for the advisory lock every starting process takes before migrating. */
const MIGRATION_LOCK = 80_30_2023;

/**
 * Brings the schema to the latest version in one transaction under an advisory lock, so processes
 * starting at once on an empty database make one schema: the others wait, then find it done.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS dwp_schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM dwp_schema_version');
    const version = rows[0]?.version ?? 0;
    if (version > POSTGRES_MIGRATIONS.length) {
      throw new PushError('database-unusable', `the database is at schema version ${version}, newer than this release knows (${POSTGRES_MIGRATIONS.length}): upgrade dwpush`);
    }
    for (let v = version; v < POSTGRES_MIGRATIONS.length; v++) await client.query(POSTGRES_MIGRATIONS[v]!);
    if (rows.length === 0) await client.query('INSERT INTO dwp_schema_version VALUES ($1)', [POSTGRES_MIGRATIONS.length]);
    else await client.query('UPDATE dwp_schema_version SET version = $1', [POSTGRES_MIGRATIONS.length]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
