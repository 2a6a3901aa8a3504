import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { PushSubscriptionJSON } from '../push-request.js';
import { mergeProblems, toBroadcast, type BroadcastRow } from './broadcast-row.js';
import { migrateSqlite } from './sqlite-migrations.js';
import {
  BATCH_SIZE, type BatchRef, type Broadcast, type BroadcastOptions, type BroadcastProblem, type DeliveryOutcome,
  type DueDelivery, type FailureReason, type NewSubscription, type OpenBatch, type Store, type StoredSubscription,
} from './store.js';

/**
 * The embedded store: one SQLite file in WAL mode, for one server process (better-sqlite3 is
 * synchronous; the methods are async to meet the `Store` seam). Its clock is this machine's.
 */
export class SqliteStore implements Store {
  /** @internal Tests read the file through it; not part of the declarations (better-sqlite3 is an optional peer). */
  readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    this.db = new Database(file);
    // WAL + NORMAL survives a killed process (not a power cut) without an fsync per commit.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrateSqlite(this.db);
    const db = this.db;
    this.statements = {
      upsert: db.prepare(`INSERT INTO subscriptions (endpoint, p256dh, auth, origin, created_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth RETURNING id`),
      clearChannels: db.prepare('DELETE FROM subscription_channels WHERE subscription_id = ?'),
      addChannel: db.prepare('INSERT OR IGNORE INTO subscription_channels (channel, subscription_id) VALUES (?, ?)'),
      deleteByEndpoint: db.prepare('DELETE FROM subscriptions WHERE endpoint = ?'),
      deleteById: db.prepare('DELETE FROM subscriptions WHERE id = ?'),
      getByEndpoint: db.prepare('SELECT id, endpoint, p256dh, auth FROM subscriptions WHERE endpoint = ?'),
      count: db.prepare('SELECT count(*) AS n FROM subscriptions'),
      insertBroadcast: db.prepare(`INSERT INTO broadcasts (id, seq, payload, channel, ttl, urgency, topic, status, created_at)
        VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM broadcasts), ?, ?, ?, ?, ?, 'queued', ?)`),
      snapshotAll: db.prepare('INSERT INTO deliveries (broadcast_id, subscription_id) SELECT ?, id FROM subscriptions'),
      snapshotChannel: db.prepare('INSERT INTO deliveries (broadcast_id, subscription_id) SELECT ?, subscription_id FROM subscription_channels WHERE channel = ?'),
      insertBatches: db.prepare(`INSERT INTO batches (broadcast_id, batch, first_id, last_id, total, due_at)
        SELECT @id, (rn - 1) / ${BATCH_SIZE}, min(subscription_id), max(subscription_id), count(*), @now
        FROM (SELECT subscription_id, row_number() OVER (ORDER BY subscription_id) AS rn FROM deliveries WHERE broadcast_id = @id)
        GROUP BY (rn - 1) / ${BATCH_SIZE}`),
      setTotal: db.prepare('UPDATE broadcasts SET total = ? WHERE id = ?'),
      getBroadcast: db.prepare(`SELECT b.*, coalesce(c.sent, 0) AS sent, coalesce(c.failed, 0) AS failed, coalesce(c.gone, 0) AS gone
        FROM broadcasts b LEFT JOIN (SELECT sum(sent) AS sent, sum(failed) AS failed, sum(gone) AS gone FROM batches WHERE broadcast_id = @id) c
        WHERE b.id = @id`),
      fail: db.prepare(`UPDATE broadcasts SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')`),
      closeBatchesOf: db.prepare('UPDATE batches SET due_at = NULL, lease_owner = NULL, lease_until = NULL WHERE broadcast_id = ?'),
      getProblems: db.prepare('SELECT problems FROM broadcasts WHERE id = ?'),
      setProblems: db.prepare('UPDATE broadcasts SET problems = ? WHERE id = ?'),
      finishIfDone: db.prepare(`UPDATE broadcasts SET status = 'done', finished_at = @now WHERE id = @id AND status IN ('queued', 'running')
        AND NOT EXISTS (SELECT 1 FROM batches WHERE broadcast_id = @id AND due_at IS NOT NULL)`),
      openBatchesOf: db.prepare(`SELECT broadcast_id AS broadcastId, batch, max(0, due_at - ?) AS dueInMs FROM batches
        WHERE broadcast_id = ? AND due_at IS NOT NULL ORDER BY batch`),
      openBatches: db.prepare(`SELECT t.broadcast_id AS broadcastId, t.batch, max(0, t.due_at - ?) AS dueInMs
        FROM batches t JOIN broadcasts b ON b.id = t.broadcast_id
        WHERE t.due_at IS NOT NULL AND b.status IN ('queued', 'running') ORDER BY b.seq, t.batch`),
      stranded: db.prepare(`SELECT t.broadcast_id AS broadcastId, t.batch FROM batches t JOIN broadcasts b ON b.id = t.broadcast_id
        WHERE t.due_at IS NOT NULL AND t.due_at <= @dueBefore AND (t.lease_until IS NULL OR t.lease_until < @now) AND b.status IN ('queued', 'running')
        ORDER BY b.seq, t.batch`),
      claim: db.prepare(`UPDATE batches SET lease_owner = @owner, lease_until = @until
        WHERE broadcast_id = @id AND batch = @batch AND due_at IS NOT NULL AND (lease_owner IS NULL OR lease_owner = @owner OR lease_until < @now)
        AND EXISTS (SELECT 1 FROM broadcasts WHERE id = @id AND status IN ('queued', 'running'))`),
      markRunning: db.prepare(`UPDATE broadcasts SET status = 'running' WHERE id = ? AND status = 'queued'`),
      release: db.prepare(`UPDATE batches SET lease_owner = NULL, lease_until = NULL,
        due_at = (SELECT min(next_attempt_at) FROM deliveries WHERE broadcast_id = @id AND subscription_id BETWEEN first_id AND last_id AND state = 'pending')
        WHERE broadcast_id = @id AND batch = @batch AND lease_owner = @owner RETURNING due_at AS dueAt`),
      duePage: db.prepare(`SELECT d.subscription_id AS id, d.attempts, s.endpoint, s.p256dh, s.auth, s.origin
        FROM batches t JOIN deliveries d ON d.broadcast_id = t.broadcast_id AND d.subscription_id BETWEEN t.first_id AND t.last_id
        LEFT JOIN subscriptions s ON s.id = d.subscription_id
        WHERE t.broadcast_id = @id AND t.batch = @batch AND d.subscription_id > @after AND d.state = 'pending' AND d.next_attempt_at <= @now
        ORDER BY d.subscription_id LIMIT @limit`),
      updateDelivery: db.prepare(`UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?
        WHERE broadcast_id = ? AND subscription_id = ? AND state = 'pending'`),
      failures: db.prepare(`SELECT last_status AS status, last_error AS code, count(*) AS count FROM deliveries
        WHERE broadcast_id = ? AND state = 'failed' GROUP BY last_status, last_error ORDER BY count DESC LIMIT 20`),
      count_sent: db.prepare('UPDATE batches SET sent = sent + 1 WHERE broadcast_id = ? AND batch = ?'),
      count_failed: db.prepare('UPDATE batches SET failed = failed + 1 WHERE broadcast_id = ? AND batch = ?'),
      count_gone: db.prepare('UPDATE batches SET gone = gone + 1 WHERE broadcast_id = ? AND batch = ?'),
      insertSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING'),
      getSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
    };
  }

  async saveSubscription(subscription: PushSubscriptionJSON, origin: string, channels: readonly string[] = []): Promise<number> {
    return this.db.transaction(() => this.upsertSubscription(subscription, origin, channels))();
  }

  async saveSubscriptions(entries: Iterable<NewSubscription>): Promise<void> {
    this.db.transaction(() => {
      for (const e of entries) this.upsertSubscription(e.subscription, e.origin, e.channels ?? []);
    })();
  }

  private upsertSubscription(subscription: PushSubscriptionJSON, origin: string, channels: readonly string[]): number {
    const { id } = this.statements.upsert.get(subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth, origin, Date.now()) as { id: number };
    this.statements.clearChannels.run(id);
    for (const channel of channels) this.statements.addChannel.run(channel, id);
    return id;
  }

  async deleteSubscription(endpoint: string): Promise<boolean> {
    return this.statements.deleteByEndpoint.run(endpoint).changes > 0;
  }

  async getSubscription(endpoint: string): Promise<StoredSubscription | undefined> {
    const row = this.statements.getByEndpoint.get(endpoint) as { id: number; endpoint: string; p256dh: string; auth: string } | undefined;
    return row && { id: row.id, endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } };
  }

  async countSubscriptions(): Promise<number> {
    return (this.statements.count.get() as { n: number }).n;
  }

  async createBroadcast(payload: Uint8Array, options: BroadcastOptions): Promise<string> {
    const id = randomUUID();
    const s = this.statements;
    this.db.transaction(() => {
      s.insertBroadcast.run(id, Buffer.from(payload), options.channel ?? null, options.ttl, options.urgency ?? null, options.topic ?? null, Date.now());
      const { changes } = options.channel === undefined ? s.snapshotAll.run(id) : s.snapshotChannel.run(id, options.channel);
      s.insertBatches.run({ id, now: Date.now() });
      s.setTotal.run(changes, id);
    })();
    return id;
  }

  async getBroadcast(id: string): Promise<Broadcast | undefined> {
    const row = this.statements.getBroadcast.get({ id }) as BroadcastRow | undefined;
    return row && toBroadcast(row, row.failed === 0 ? [] : this.statements.failures.all(id) as FailureReason[]);
  }

  async failBroadcast(id: string, error: string): Promise<void> {
    this.db.transaction(() => {
      if (this.statements.fail.run(error, Date.now(), id).changes > 0) this.statements.closeBatchesOf.run(id);
    })();
  }

  async addBroadcastProblems(id: string, problems: readonly BroadcastProblem[]): Promise<void> {
    this.db.transaction(() => {
      const row = this.statements.getProblems.get(id) as { problems: string } | undefined;
      if (row) this.statements.setProblems.run(JSON.stringify(mergeProblems(JSON.parse(row.problems) as BroadcastProblem[], problems)), id);
    })();
  }

  async finishBroadcastIfDone(id: string): Promise<boolean> {
    return this.statements.finishIfDone.run({ now: Date.now(), id }).changes > 0;
  }

  async openBatches(broadcastId?: string): Promise<OpenBatch[]> {
    const now = Date.now();
    return (broadcastId === undefined ? this.statements.openBatches.all(now) : this.statements.openBatchesOf.all(now, broadcastId)) as OpenBatch[];
  }

  async strandedBatches(graceMs: number): Promise<BatchRef[]> {
    const now = Date.now();
    return this.statements.stranded.all({ dueBefore: now - graceMs, now }) as BatchRef[];
  }

  async claimBatch(ref: BatchRef, owner: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    return this.db.transaction(() => {
      if (this.statements.claim.run({ owner, until: now + leaseMs, id: ref.broadcastId, batch: ref.batch, now }).changes === 0) return false;
      this.statements.markRunning.run(ref.broadcastId);
      return true;
    })();
  }

  async releaseBatch(ref: BatchRef, owner: string): Promise<number | null> {
    const row = this.statements.release.get({ id: ref.broadcastId, batch: ref.batch, owner }) as { dueAt: number | null } | undefined;
    return row?.dueAt == null ? null : Math.max(0, row.dueAt - Date.now());
  }

  async dueDeliveries(ref: BatchRef, afterId: number, limit: number): Promise<DueDelivery[]> {
    const rows = this.statements.duePage.all({ id: ref.broadcastId, batch: ref.batch, after: afterId, now: Date.now(), limit }) as
      { id: number; attempts: number; endpoint: string | null; p256dh: string; auth: string; origin: string }[];
    return rows.map((r) => r.endpoint === null
      ? { id: r.id, attempts: r.attempts, endpoint: null }
      : { id: r.id, attempts: r.attempts, endpoint: r.endpoint, origin: r.origin, keys: { p256dh: r.p256dh, auth: r.auth } });
  }

  async recordOutcomes(ref: BatchRef, outcomes: readonly DeliveryOutcome[]): Promise<void> {
    const s = this.statements;
    const now = Date.now();
    this.db.transaction(() => {
      for (const o of outcomes) {
        const { changes } = s.updateDelivery.run(o.state, o.attempts, now + o.retryInMs, o.lastStatus, o.lastError, ref.broadcastId, o.subscriptionId);
        if (changes === 0 || o.state === 'pending') continue;
        s[`count_${o.state}`].run(ref.broadcastId, ref.batch);
        if (o.state === 'gone') s.deleteById.run(o.subscriptionId);
      }
    })();
  }

  async settingOrInsert(key: string, value: string): Promise<{ value: string; inserted: boolean }> {
    return this.db.transaction(() => {
      const inserted = this.statements.insertSetting.run(key, value).changes > 0;
      return { value: (this.statements.getSetting.get(key) as { value: string }).value, inserted };
    })();
  }

  async ping(): Promise<boolean> {
    return this.db.open;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
