import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { PushSubscriptionJSON } from '../push-request.js';
import { mergeProblems, toBroadcast, toSummary, toTarget, type BroadcastRow, type SummaryRow } from './broadcast-row.js';
import { migrateSqlite } from './sqlite-migrations.js';
import {
  BATCH_SIZE, type BatchRef, type Broadcast, type BroadcastOptions, type BroadcastProblem, type BroadcastSummary, type BroadcastTarget,
  type ChannelCounts, type DeliveryOutcome, type DeliveryState, type DueDelivery, type FailureReason, type NewSubscription, type OpenBatch,
  type PushServiceCounts, type Store, type StoredSubscription, type UserSubscription,
} from './store.js';

const UNFINISHED = `('scheduled', 'queued', 'running')`;
/** The message's title, read from the stored payload (UTF-8 JSON of the portable form; a row from a test may hold other bytes). */
const TITLE = `CASE WHEN json_valid(CAST(b.payload AS TEXT)) THEN json_extract(CAST(b.payload AS TEXT), '$.notification.title') END AS title`;
/** A listing's columns, counters summed over the broadcast's batches. */
const SUMMARY = `b.id, b.status, b.channel, b.target, b.ttl, b.created_at, b.send_at, b.finished_at, ${TITLE}, b.total, b.unsent,
  coalesce((SELECT sum(sent) FROM batches WHERE broadcast_id = b.id), 0) AS sent,
  coalesce((SELECT sum(failed) FROM batches WHERE broadcast_id = b.id), 0) AS failed,
  coalesce((SELECT sum(gone) FROM batches WHERE broadcast_id = b.id), 0) AS gone`;

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
      upsert: db.prepare(`INSERT INTO subscriptions (endpoint, p256dh, auth, origin, created_at, user_id) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT(endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, user_id = excluded.user_id RETURNING id`),
      clearChannels: db.prepare('DELETE FROM subscription_channels WHERE subscription_id = ?'),
      addChannel: db.prepare('INSERT OR IGNORE INTO subscription_channels (channel, subscription_id) VALUES (?, ?)'),
      deleteByEndpoint: db.prepare('DELETE FROM subscriptions WHERE endpoint = ?'),
      deleteById: db.prepare('DELETE FROM subscriptions WHERE id = ?'),
      getByEndpoint: db.prepare('SELECT id, endpoint, p256dh, auth FROM subscriptions WHERE endpoint = ?'),
      count: db.prepare('SELECT count(*) AS n FROM subscriptions'),
      insertBroadcast: db.prepare(`INSERT INTO broadcasts (id, seq, payload, target, ttl, urgency, topic, status, created_at, send_at)
        VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM broadcasts), ?, ?, ?, ?, ?, ?, ?, ?)`),
      snapshotAll: db.prepare('INSERT INTO deliveries (broadcast_id, subscription_id, origin) SELECT ?, id, origin FROM subscriptions'),
      // The union of the users' and the channels' subscriptions, each once (one SELECT over subscriptions).
      snapshotTarget: db.prepare(`INSERT INTO deliveries (broadcast_id, subscription_id, origin) SELECT ?, s.id, s.origin FROM subscriptions s
        WHERE s.user_id IN (SELECT value FROM json_each(?))
        OR s.id IN (SELECT subscription_id FROM subscription_channels WHERE channel IN (SELECT value FROM json_each(?)))`),
      startScheduled: db.prepare(`UPDATE broadcasts SET status = 'queued' WHERE id = ? AND status = 'scheduled' RETURNING target, channel`),
      scheduled: db.prepare(`SELECT id, max(0, send_at - ?) AS dueInMs FROM broadcasts WHERE status = 'scheduled' ORDER BY seq`),
      listNewest: db.prepare(`SELECT ${SUMMARY} FROM broadcasts b ORDER BY b.seq DESC LIMIT ?`),
      listBefore: db.prepare(`SELECT ${SUMMARY} FROM broadcasts b WHERE b.seq < (SELECT seq FROM broadcasts WHERE id = ?) ORDER BY b.seq DESC LIMIT ?`),
      countsByOrigin: db.prepare('SELECT origin, state, count(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY origin, state'),
      stop: db.prepare(`UPDATE broadcasts SET status = ?, finished_at = ? WHERE id = ? AND status IN ${UNFINISHED}`),
      unsendPending: db.prepare(`UPDATE deliveries SET state = 'unsent' WHERE broadcast_id = ? AND state = 'pending'`),
      addUnsent: db.prepare('UPDATE broadcasts SET unsent = unsent + ? WHERE id = ?'),
      queueDepth: db.prepare(`SELECT count(*) AS n FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
        WHERE b.status IN ('queued', 'running') AND d.state = 'pending'`),
      userSubscriptions: db.prepare(`SELECT s.id, s.origin, s.created_at, s.last_outcome, s.last_status, s.last_outcome_at,
        (SELECT json_group_array(channel) FROM subscription_channels WHERE subscription_id = s.id) AS channels
        FROM subscriptions s WHERE s.user_id = ? ORDER BY s.id`),
      deleteUser: db.prepare('DELETE FROM subscriptions WHERE user_id = ?'),
      channelCounts: db.prepare('SELECT channel, count(*) AS n FROM subscription_channels GROUP BY channel ORDER BY channel'),
      userCount: db.prepare('SELECT count(DISTINCT user_id) AS n FROM subscriptions WHERE user_id IS NOT NULL'),
      lastOutcome: db.prepare('UPDATE subscriptions SET last_outcome = ?, last_status = ?, last_outcome_at = ? WHERE id = ?'),
      finishUnsent: db.prepare(`UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?
        WHERE broadcast_id = ? AND subscription_id = ? AND state = 'unsent'`),
      count_unsent: db.prepare('UPDATE broadcasts SET unsent = unsent - 1 WHERE id = ?'),
      insertBatches: db.prepare(`INSERT INTO batches (broadcast_id, batch, first_id, last_id, total, due_at)
        SELECT @id, (rn - 1) / ${BATCH_SIZE}, min(subscription_id), max(subscription_id), count(*), @now
        FROM (SELECT subscription_id, row_number() OVER (ORDER BY subscription_id) AS rn FROM deliveries WHERE broadcast_id = @id)
        GROUP BY (rn - 1) / ${BATCH_SIZE}`),
      setTotal: db.prepare('UPDATE broadcasts SET total = ? WHERE id = ?'),
      getBroadcast: db.prepare(`SELECT b.*, ${TITLE}, coalesce(c.sent, 0) AS sent, coalesce(c.failed, 0) AS failed, coalesce(c.gone, 0) AS gone
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

  async saveSubscription(subscription: PushSubscriptionJSON, origin: string, channels: readonly string[] = [], user: string | null = null): Promise<number> {
    return this.db.transaction(() => this.upsertSubscription(subscription, origin, channels, user))();
  }

  async saveSubscriptions(entries: Iterable<NewSubscription>): Promise<void> {
    this.db.transaction(() => {
      for (const e of entries) this.upsertSubscription(e.subscription, e.origin, e.channels ?? [], e.user ?? null);
    })();
  }

  private upsertSubscription(subscription: PushSubscriptionJSON, origin: string, channels: readonly string[], user: string | null): number {
    const { id } = this.statements.upsert.get(subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth, origin, Date.now(), user) as { id: number };
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

  async createBroadcast(payload: Uint8Array, options: BroadcastOptions, now = Date.now()): Promise<string> {
    const id = randomUUID();
    const scheduled = options.sendAt != null && options.sendAt > now;
    this.db.transaction(() => {
      this.statements.insertBroadcast.run(id, Buffer.from(payload), options.target && JSON.stringify(options.target), options.ttl,
        options.urgency ?? null, options.topic ?? null, scheduled ? 'scheduled' : 'queued', now, options.sendAt ?? null);
      if (!scheduled) this.snapshot(id, options.target);
    })();
    return id;
  }

  /** The recipients now (each once) and their batches. */
  private snapshot(id: string, target: BroadcastTarget | null): void {
    const s = this.statements;
    const { changes } = target === null ? s.snapshotAll.run(id) : s.snapshotTarget.run(id, JSON.stringify(target.users), JSON.stringify(target.channels));
    s.insertBatches.run({ id, now: Date.now() });
    s.setTotal.run(changes, id);
  }

  async startScheduled(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      const row = this.statements.startScheduled.get(id) as Pick<SummaryRow, 'target' | 'channel'> | undefined;
      if (!row) return false;
      this.snapshot(id, toTarget(row));
      return true;
    })();
  }

  async scheduledBroadcasts(): Promise<{ id: string; dueInMs: number }[]> {
    return this.statements.scheduled.all(Date.now()) as { id: string; dueInMs: number }[];
  }

  async listBroadcasts(limit: number, before?: string): Promise<BroadcastSummary[]> {
    const rows = (before === undefined ? this.statements.listNewest.all(limit) : this.statements.listBefore.all(before, limit)) as SummaryRow[];
    return rows.map(toSummary);
  }

  async pushServiceCounts(id: string): Promise<PushServiceCounts> {
    const counts: PushServiceCounts = {};
    for (const r of this.statements.countsByOrigin.all(id) as { origin: string | null; state: DeliveryState; n: number }[]) {
      const origin = r.origin ?? 'unknown';
      counts[origin] ??= { pending: 0, sent: 0, failed: 0, gone: 0, unsent: 0 };
      counts[origin][r.state] = r.n;
    }
    return counts;
  }

  async stopBroadcast(id: string, status: 'cancelled' | 'expired'): Promise<boolean> {
    const s = this.statements;
    return this.db.transaction(() => {
      if (s.stop.run(status, Date.now(), id).changes === 0) return false;
      s.addUnsent.run(s.unsendPending.run(id).changes, id);
      s.closeBatchesOf.run(id);
      return true;
    })();
  }

  async queueDepth(): Promise<number> {
    return (this.statements.queueDepth.get() as { n: number }).n;
  }

  async userSubscriptions(user: string): Promise<UserSubscription[]> {
    const rows = this.statements.userSubscriptions.all(user) as {
      id: number; origin: string; created_at: number; channels: string;
      last_outcome: DeliveryState | null; last_status: number | null; last_outcome_at: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id, pushService: r.origin, channels: (JSON.parse(r.channels) as string[]).sort(), createdAt: r.created_at,
      lastOutcome: r.last_outcome === null ? null : { state: r.last_outcome, status: r.last_status, at: r.last_outcome_at! },
    }));
  }

  async deleteUser(user: string): Promise<number> {
    return this.statements.deleteUser.run(user).changes;
  }

  async channelCounts(): Promise<ChannelCounts> {
    const channels = (this.statements.channelCounts.all() as { channel: string; n: number }[]).map((r) => ({ channel: r.channel, subscribers: r.n }));
    return { total: await this.countSubscriptions(), users: (this.statements.userCount.get() as { n: number }).n, channels };
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
        const row = [o.state, o.attempts, now + o.retryInMs, o.lastStatus, o.lastError, ref.broadcastId, o.subscriptionId] as const;
        let { changes } = s.updateDelivery.run(...row);
        if (o.state === 'pending' || o.state === 'unsent') continue;
        // In flight when its broadcast was cancelled: what the push service answered still counts.
        if (changes === 0 && (changes = s.finishUnsent.run(...row).changes) > 0) s.count_unsent.run(ref.broadcastId);
        if (changes === 0) continue;
        s[`count_${o.state}`].run(ref.broadcastId, ref.batch);
        if (o.state === 'gone') s.deleteById.run(o.subscriptionId);
        else s.lastOutcome.run(o.state, o.lastStatus, now, o.subscriptionId);
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
