import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PushSubscriptionJSON } from '../push-request.js';
import { mergeProblems, toBroadcast, toSummary, toTarget, type BroadcastRow, type SummaryRow } from './broadcast-row.js';
import { migratePostgres } from './postgres-migrations.js';
import {
  BATCH_SIZE, type BatchRef, type Broadcast, type BroadcastOptions, type BroadcastProblem, type BroadcastSummary, type BroadcastTarget,
  type ChannelCounts, type DeliveryOutcome, type DeliveryState, type DueDelivery, type FailureReason, type NewSubscription, type OpenBatch,
  type PushServiceCounts, type Store, type StoredSubscription, type UserSubscription,
} from './store.js';

/** A listing's columns, counters summed over the broadcast's batches. */
const SUMMARY = `b.id, b.status, b.channel, b.target, b.ttl, extract(epoch FROM b.created_at) * 1000 AS created_at,
  extract(epoch FROM b.send_at) * 1000 AS send_at, extract(epoch FROM b.finished_at) * 1000 AS finished_at,
  convert_from(b.payload, 'UTF8')::jsonb #>> '{notification,title}' AS title, b.total, b.unsent, coalesce(c.sent, 0) AS sent, coalesce(c.failed, 0) AS failed, coalesce(c.gone, 0) AS gone
  FROM broadcasts b LEFT JOIN LATERAL (SELECT sum(sent) AS sent, sum(failed) AS failed, sum(gone) AS gone FROM batches WHERE broadcast_id = b.id) c ON true`;

/** Subscriptions written per statement by `saveSubscriptions`. */
const SAVE_CHUNK = 1000;
const MS = `* interval '1 millisecond'`;
// greatest() skips NULLs, so a closed batch (due_at NULL) needs the CASE to stay NULL.
const DUE_IN_MS = (column: string) => `CASE WHEN ${column} IS NOT NULL THEN greatest(0, extract(epoch FROM ${column} - now()) * 1000)::float8 END`;

/**
 * The shared store for any number of server processes: PostgreSQL through a `pg` pool. Every
 * method is one statement or one short transaction; leases, due times and counters are decided by
 * the database (spec-notes.md#push-server, scale-out).
 */
export class PostgresStore implements Store {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, migrates (safe when several processes start at once) and returns the store. */
  static async open(url: string, options: { max?: number; log?: (line: string) => void } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
    // An idle connection that the server dropped (a restart) is reported here; without a listener it would crash the process.
    pool.on('error', (error) => options.log?.(`database connection lost: ${error.message}`));
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool);
  }

  /** Whether the database answers now (readiness). */
  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async saveSubscription(subscription: PushSubscriptionJSON, origin: string, channels: readonly string[] = [], user: string | null = null): Promise<number> {
    return this.transaction(async (client) => (await this.upsert(client, [{ subscription, origin, channels, user }]))[0]!);
  }

  async saveSubscriptions(entries: Iterable<NewSubscription>): Promise<void> {
    let chunk: NewSubscription[] = [];
    const flush = async () => {
      const rows = chunk;
      chunk = [];
      if (rows.length > 0) await this.transaction((client) => this.upsert(client, rows));
    };
    for (const entry of entries) {
      chunk.push(entry);
      if (chunk.length >= SAVE_CHUNK) await flush();
    }
    await flush();
  }

  private async upsert(client: pg.PoolClient, entries: readonly NewSubscription[]): Promise<number[]> {
    // One row per endpoint in a statement (ON CONFLICT cannot touch a row twice): the last entry wins.
    const byEndpoint = new Map(entries.map((e) => [e.subscription.endpoint, e]));
    const rows = [...byEndpoint.values()];
    const { rows: saved } = await client.query<{ id: string; endpoint: string }>(
      `INSERT INTO subscriptions (endpoint, p256dh, auth, origin, user_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, user_id = excluded.user_id RETURNING id, endpoint`,
      [rows.map((e) => e.subscription.endpoint), rows.map((e) => e.subscription.keys.p256dh), rows.map((e) => e.subscription.keys.auth), rows.map((e) => e.origin),
        rows.map((e) => e.user ?? null)]);
    const ids = new Map(saved.map((r) => [r.endpoint, r.id]));
    await client.query('DELETE FROM subscription_channels WHERE subscription_id = ANY($1::bigint[])', [saved.map((r) => r.id)]);
    const pairs = rows.flatMap((e) => [...new Set(e.channels ?? [])].map((channel) => [channel, ids.get(e.subscription.endpoint)!] as const));
    if (pairs.length > 0) {
      await client.query('INSERT INTO subscription_channels (channel, subscription_id) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING',
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])]);
    }
    return entries.map((e) => Number(ids.get(e.subscription.endpoint)));
  }

  async deleteSubscription(endpoint: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM subscriptions WHERE endpoint = $1', [endpoint])).rowCount ?? 0) > 0;
  }

  async getSubscription(endpoint: string): Promise<StoredSubscription | undefined> {
    const { rows } = await this.pool.query<{ id: string; endpoint: string; p256dh: string; auth: string }>(
      'SELECT id, endpoint, p256dh, auth FROM subscriptions WHERE endpoint = $1', [endpoint]);
    const row = rows[0];
    return row && { id: Number(row.id), endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } };
  }

  async countSubscriptions(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM subscriptions')).rows[0]!.n);
  }

  async createBroadcast(payload: Uint8Array, options: BroadcastOptions, now = Date.now()): Promise<string> {
    const id = randomUUID();
    const scheduled = options.sendAt != null && options.sendAt > now;
    await this.transaction(async (client) => {
      await client.query(`INSERT INTO broadcasts (id, payload, target, ttl, urgency, topic, status, created_at, send_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), to_timestamp($9 / 1000.0))`,
        [id, Buffer.from(payload), options.target && JSON.stringify(options.target), options.ttl, options.urgency ?? null, options.topic ?? null,
          scheduled ? 'scheduled' : 'queued', now, options.sendAt ?? null]);
      if (!scheduled) await this.snapshot(client, id, options.target);
    });
    return id;
  }

  /** The recipients now (the union of the target's users and channels, each once) and their batches. */
  private async snapshot(client: pg.PoolClient, id: string, target: BroadcastTarget | null): Promise<void> {
    const snapshot = target === null
      ? await client.query('INSERT INTO deliveries (broadcast_id, subscription_id, origin) SELECT $1, id, origin FROM subscriptions', [id])
      : await client.query(`INSERT INTO deliveries (broadcast_id, subscription_id, origin) SELECT $1, s.id, s.origin FROM subscriptions s
          WHERE s.user_id = ANY($2::text[]) OR s.id IN (SELECT subscription_id FROM subscription_channels WHERE channel = ANY($3::text[]))`, [id, target.users, target.channels]);
    {
      await client.query(`INSERT INTO batches (broadcast_id, batch, first_id, last_id, total, due_at)
        SELECT $1, (rn - 1) / ${BATCH_SIZE}, min(subscription_id), max(subscription_id), count(*), now()
        FROM (SELECT subscription_id, row_number() OVER (ORDER BY subscription_id) AS rn FROM deliveries WHERE broadcast_id = $1) t
        GROUP BY (rn - 1) / ${BATCH_SIZE}`, [id]);
      await client.query('UPDATE broadcasts SET total = $2 WHERE id = $1', [id, snapshot.rowCount ?? 0]);
    }
  }

  async startScheduled(id: string): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<Pick<SummaryRow, 'target' | 'channel'>>(
        `UPDATE broadcasts SET status = 'queued' WHERE id = $1 AND status = 'scheduled' RETURNING target, channel`, [id]);
      if (!rows[0]) return false;
      await this.snapshot(client, id, toTarget(rows[0]));
      return true;
    });
  }

  async scheduledBroadcasts(): Promise<{ id: string; dueInMs: number }[]> {
    return (await this.pool.query<{ id: string; dueInMs: number }>(`SELECT id, ${DUE_IN_MS('send_at')} AS "dueInMs" FROM broadcasts WHERE status = 'scheduled' ORDER BY seq`)).rows;
  }

  async listBroadcasts(limit: number, before?: string): Promise<BroadcastSummary[]> {
    const { rows } = before === undefined
      ? await this.pool.query<SummaryRow>(`SELECT ${SUMMARY} ORDER BY b.seq DESC LIMIT $1`, [limit])
      : await this.pool.query<SummaryRow>(`SELECT ${SUMMARY} WHERE b.seq < (SELECT seq FROM broadcasts WHERE id = $2) ORDER BY b.seq DESC LIMIT $1`, [limit, before]);
    return rows.map(toSummary);
  }

  async pushServiceCounts(id: string): Promise<PushServiceCounts> {
    const counts: PushServiceCounts = {};
    const { rows } = await this.pool.query<{ origin: string | null; state: DeliveryState; n: number }>(
      'SELECT origin, state, count(*)::int AS n FROM deliveries WHERE broadcast_id = $1 GROUP BY origin, state', [id]);
    for (const r of rows) {
      const origin = r.origin ?? 'unknown';
      counts[origin] ??= { pending: 0, sent: 0, failed: 0, gone: 0, unsent: 0 };
      counts[origin][r.state] = r.n;
    }
    return counts;
  }

  async stopBroadcast(id: string, status: 'cancelled' | 'expired'): Promise<boolean> {
    return this.transaction(async (client) => {
      const stopped = await client.query(`UPDATE broadcasts SET status = $2, finished_at = now() WHERE id = $1 AND status IN ('scheduled', 'queued', 'running')`, [id, status]);
      if ((stopped.rowCount ?? 0) === 0) return false;
      const unsent = await client.query(`UPDATE deliveries SET state = 'unsent' WHERE broadcast_id = $1 AND state = 'pending'`, [id]);
      await client.query('UPDATE broadcasts SET unsent = unsent + $2 WHERE id = $1', [id, unsent.rowCount ?? 0]);
      await client.query('UPDATE batches SET due_at = NULL, lease_owner = NULL, lease_until = NULL WHERE broadcast_id = $1', [id]);
      return true;
    });
  }

  async queueDepth(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
      WHERE b.status IN ('queued', 'running') AND d.state = 'pending'`)).rows[0]!.n);
  }

  async userSubscriptions(user: string): Promise<UserSubscription[]> {
    const { rows } = await this.pool.query<{ id: string; origin: string; created_at: Date; channels: string[]; last_outcome: DeliveryState | null; last_status: number | null; last_outcome_at: Date | null }>(
      `SELECT s.id, s.origin, s.created_at, s.last_outcome, s.last_status, s.last_outcome_at,
        coalesce((SELECT array_agg(channel ORDER BY channel) FROM subscription_channels WHERE subscription_id = s.id), '{}') AS channels
       FROM subscriptions s WHERE s.user_id = $1 ORDER BY s.id`, [user]);
    return rows.map((r) => ({
      id: Number(r.id), pushService: r.origin, channels: r.channels, createdAt: r.created_at.getTime(),
      lastOutcome: r.last_outcome === null ? null : { state: r.last_outcome, status: r.last_status, at: r.last_outcome_at!.getTime() },
    }));
  }

  async deleteUser(user: string): Promise<number> {
    return (await this.pool.query('DELETE FROM subscriptions WHERE user_id = $1', [user])).rowCount ?? 0;
  }

  async channelCounts(): Promise<ChannelCounts> {
    const { rows } = await this.pool.query<{ channel: string; n: number }>('SELECT channel, count(*)::int AS n FROM subscription_channels GROUP BY channel ORDER BY channel');
    const users = Number((await this.pool.query<{ n: string }>('SELECT count(DISTINCT user_id) AS n FROM subscriptions WHERE user_id IS NOT NULL')).rows[0]!.n);
    return { total: await this.countSubscriptions(), users, channels: rows.map((r) => ({ channel: r.channel, subscribers: r.n })) };
  }

  async getBroadcast(id: string): Promise<Broadcast | undefined> {
    const { rows } = await this.pool.query<BroadcastRow>(`SELECT ${SUMMARY.replace(' FROM broadcasts b', ', b.payload, b.urgency, b.topic, b.problems, b.error FROM broadcasts b')}
      WHERE b.id = $1`, [id]);
    const row = rows[0];
    if (!row) return undefined;
    const failures = Number(row.failed) === 0 ? [] : (await this.pool.query<FailureReason>(`SELECT last_status AS status, last_error AS code, count(*)::int AS count
      FROM deliveries WHERE broadcast_id = $1 AND state = 'failed' GROUP BY last_status, last_error ORDER BY count DESC LIMIT 20`, [id])).rows;
    return toBroadcast(row, failures);
  }

  async failBroadcast(id: string, error: string): Promise<void> {
    await this.pool.query(`WITH f AS (UPDATE broadcasts SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING id)
      UPDATE batches SET due_at = NULL, lease_owner = NULL, lease_until = NULL WHERE broadcast_id IN (SELECT id FROM f)`, [id, error]);
  }

  async addBroadcastProblems(id: string, problems: readonly BroadcastProblem[]): Promise<void> {
    await this.transaction(async (client) => {
      const { rows } = await client.query<{ problems: BroadcastProblem[] }>('SELECT problems FROM broadcasts WHERE id = $1 FOR UPDATE', [id]);
      if (rows[0]) await client.query('UPDATE broadcasts SET problems = $2 WHERE id = $1', [id, JSON.stringify(mergeProblems(rows[0].problems, problems))]);
    });
  }

  async finishBroadcastIfDone(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`UPDATE broadcasts SET status = 'done', finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')
      AND NOT EXISTS (SELECT 1 FROM batches WHERE broadcast_id = $1 AND due_at IS NOT NULL)`, [id]);
    return (rowCount ?? 0) > 0;
  }

  async openBatches(broadcastId?: string): Promise<OpenBatch[]> {
    const { rows } = broadcastId === undefined
      ? await this.pool.query<OpenBatch>(`SELECT t.broadcast_id AS "broadcastId", t.batch, ${DUE_IN_MS('t.due_at')} AS "dueInMs"
          FROM batches t JOIN broadcasts b ON b.id = t.broadcast_id WHERE t.due_at IS NOT NULL AND b.status IN ('queued', 'running') ORDER BY b.seq, t.batch`)
      : await this.pool.query<OpenBatch>(`SELECT broadcast_id AS "broadcastId", batch, ${DUE_IN_MS('due_at')} AS "dueInMs"
          FROM batches WHERE broadcast_id = $1 AND due_at IS NOT NULL ORDER BY batch`, [broadcastId]);
    return rows;
  }

  async strandedBatches(graceMs: number): Promise<BatchRef[]> {
    const { rows } = await this.pool.query<BatchRef>(`SELECT t.broadcast_id AS "broadcastId", t.batch FROM batches t JOIN broadcasts b ON b.id = t.broadcast_id
      WHERE t.due_at IS NOT NULL AND t.due_at <= now() - $1 ${MS} AND (t.lease_until IS NULL OR t.lease_until < now()) AND b.status IN ('queued', 'running')
      ORDER BY b.seq, t.batch LIMIT 1000`, [graceMs]);
    return rows;
  }

  async claimBatch(ref: BatchRef, owner: string, leaseMs: number): Promise<boolean> {
    // A concurrent claim waits on the row lock, then sees the winner's lease and takes nothing.
    const { rows } = await this.pool.query<{ n: number }>(`WITH c AS (
        UPDATE batches SET lease_owner = $3, lease_until = now() + $4 ${MS}
        WHERE broadcast_id = $1 AND batch = $2 AND due_at IS NOT NULL AND (lease_owner IS NULL OR lease_owner = $3 OR lease_until < now())
          AND EXISTS (SELECT 1 FROM broadcasts WHERE id = $1 AND status IN ('queued', 'running'))
        RETURNING 1),
      r AS (UPDATE broadcasts SET status = 'running' WHERE id = $1 AND status = 'queued' AND EXISTS (SELECT 1 FROM c))
      SELECT count(*)::int AS n FROM c`, [ref.broadcastId, ref.batch, owner, leaseMs]);
    return rows[0]!.n > 0;
  }

  async releaseBatch(ref: BatchRef, owner: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ dueInMs: number | null }>(`UPDATE batches t SET lease_owner = NULL, lease_until = NULL,
        due_at = (SELECT min(next_attempt_at) FROM deliveries d WHERE d.broadcast_id = t.broadcast_id AND d.subscription_id BETWEEN t.first_id AND t.last_id AND d.state = 'pending')
      WHERE broadcast_id = $1 AND batch = $2 AND lease_owner = $3 RETURNING ${DUE_IN_MS('due_at')} AS "dueInMs"`, [ref.broadcastId, ref.batch, owner]);
    return rows[0]?.dueInMs ?? null;
  }

  async dueDeliveries(ref: BatchRef, afterId: number, limit: number): Promise<DueDelivery[]> {
    const { rows } = await this.pool.query<{ id: string; attempts: number; endpoint: string | null; p256dh: string; auth: string; origin: string }>(
      `SELECT d.subscription_id AS id, d.attempts, s.endpoint, s.p256dh, s.auth, s.origin
       FROM batches t JOIN deliveries d ON d.broadcast_id = t.broadcast_id AND d.subscription_id BETWEEN t.first_id AND t.last_id
       LEFT JOIN subscriptions s ON s.id = d.subscription_id
       WHERE t.broadcast_id = $1 AND t.batch = $2 AND d.subscription_id > $3 AND d.state = 'pending' AND d.next_attempt_at <= now()
       ORDER BY d.subscription_id LIMIT $4`, [ref.broadcastId, ref.batch, afterId, limit]);
    return rows.map((r) => r.endpoint === null
      ? { id: Number(r.id), attempts: r.attempts, endpoint: null }
      : { id: Number(r.id), attempts: r.attempts, endpoint: r.endpoint, origin: r.origin, keys: { p256dh: r.p256dh, auth: r.auth } });
  }

  async recordOutcomes(ref: BatchRef, outcomes: readonly DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    // One statement: the delivery rows (only those still pending), the batch's counters, the gone subscriptions.
    await this.pool.query(`WITH o AS (
        SELECT * FROM unnest($3::bigint[], $4::text[], $5::int[], $6::float8[], $7::int[], $8::text[]) AS o(sid, state, attempts, retry_ms, last_status, last_error)),
      prev AS (SELECT subscription_id, state FROM deliveries WHERE broadcast_id = $1 AND subscription_id = ANY($3::bigint[])),
      u AS (
        UPDATE deliveries d SET state = o.state, attempts = o.attempts, next_attempt_at = now() + o.retry_ms ${MS}, last_status = o.last_status, last_error = o.last_error
        FROM o WHERE d.broadcast_id = $1 AND d.subscription_id = o.sid
          -- In flight when its broadcast was cancelled: what the push service answered still counts.
          AND (d.state = 'pending' OR (d.state = 'unsent' AND o.state IN ('sent', 'failed', 'gone')))
        RETURNING d.subscription_id, d.state, d.last_status),
      x AS (
        UPDATE broadcasts SET unsent = unsent - (SELECT count(*) FROM u JOIN prev p USING (subscription_id) WHERE p.state = 'unsent')
        WHERE id = $1 AND EXISTS (SELECT 1 FROM u JOIN prev p USING (subscription_id) WHERE p.state = 'unsent')),
      l AS (
        UPDATE subscriptions s SET last_outcome = u.state, last_status = u.last_status, last_outcome_at = now()
        FROM u WHERE s.id = u.subscription_id AND u.state IN ('sent', 'failed')),
      c AS (
        UPDATE batches SET sent = sent + (SELECT count(*) FROM u WHERE state = 'sent'), failed = failed + (SELECT count(*) FROM u WHERE state = 'failed'),
          gone = gone + (SELECT count(*) FROM u WHERE state = 'gone')
        WHERE broadcast_id = $1 AND batch = $2)
      DELETE FROM subscriptions WHERE id IN (SELECT subscription_id FROM u WHERE state = 'gone')`,
    [ref.broadcastId, ref.batch, outcomes.map((o) => o.subscriptionId), outcomes.map((o) => o.state), outcomes.map((o) => o.attempts),
      outcomes.map((o) => o.retryInMs), outcomes.map((o) => o.lastStatus), outcomes.map((o) => o.lastError)]);
  }

  async settingOrInsert(key: string, value: string): Promise<{ value: string; inserted: boolean }> {
    const inserted = await this.pool.query<{ value: string }>('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value', [key, value]);
    if (inserted.rows[0]) return { value: inserted.rows[0].value, inserted: true };
    return { value: (await this.pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key])).rows[0]!.value, inserted: false };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
