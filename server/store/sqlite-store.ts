import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { PushRequestOptions, PushSubscriptionJSON } from '../push-request.js';
export type { BroadcastStatus } from '../broadcast-status.js';
import { FINAL_STATUSES, type BroadcastStatus } from '../broadcast-status.js';
import { INDEXES, SCHEMA } from './schema.js';
import { migrateSqlite } from './sqlite-migrations.js';

/**
 * A delivery's state: `pending` until final; then `sent` (2xx), `failed`, `gone` (404/410, or
 * unsubscribed meanwhile) or `unsent` (its broadcast was cancelled or expired first).
 */
export type DeliveryState = 'pending' | 'sent' | 'failed' | 'gone' | 'unsent';

/** Who a broadcast goes to: the union of these users' and channels' subscriptions, or everyone (null). */
export interface BroadcastTarget {
  users: string[];
  channels: string[];
}

/** A user's device as the admin API lists it: never the endpoint or keys. */
export interface UserSubscription {
  id: number;
  pushService: string;
  channels: string[];
  createdAt: number;
  lastOutcome: { state: DeliveryState; status: number | null; at: number } | null;
}

export interface ChannelCounts {
  total: number;
  users: number;
  channels: { channel: string; subscribers: number }[];
}

export type PushServiceCounts = Record<string, Record<DeliveryState, number>>;

export interface StoredSubscription extends PushSubscriptionJSON {
  id: number;
}

export interface BroadcastProblem {
  code: 'vapid-rejected';
  origin: string;
  count: number;
}

export interface BroadcastSummary {
  id: string;
  status: BroadcastStatus;
  /** null: every subscriber. */
  target: BroadcastTarget | null;
  ttl: number;
  createdAt: number;
  sendAt: number | null;
  total: number;
  sent: number;
  failed: number;
  gone: number;
  unsent: number;
  pending: number;
}

export interface Broadcast extends BroadcastSummary, Omit<PushRequestOptions, 'ttl'> {
  payload: Uint8Array;
  problems: BroadcastProblem[];
  error: string | null;
  failures: FailureReason[];
}

export interface PendingDelivery extends StoredSubscription {
  attempts: number;
  origin: string;
}

/** A recipient that unsubscribed after the broadcast was created. */
export interface UnsubscribedDelivery {
  id: number;
  attempts: number;
  endpoint: null;
}

export interface DeliveryOutcome {
  subscriptionId: number;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  /** The error code when there was no HTTP answer (error-codes.ts), else null. */
  lastError: string | null;
}

/** Failed deliveries of one broadcast grouped by their last reason: the push service's status, or an error code. */
export interface FailureReason {
  status: number | null;
  code: string | null;
  count: number;
}

interface BroadcastRow {
  id: string; payload: Buffer; channel: string | null; target: string | null; ttl: number; urgency: string | null; topic: string | null;
  status: BroadcastStatus; total: number; sent: number; failed: number; gone: number; unsent: number; problems: string; error: string | null;
  created_at: number; send_at: number | null;
}

const SUMMARY_COLUMNS = 'id, status, channel, target, ttl, created_at, send_at, total, sent, failed, gone, unsent';
const UNFINISHED = `('scheduled', 'queued', 'running')`;

/**
 * The embedded store: one SQLite file in WAL mode. Writes that must survive a crash (a delivery
 * acknowledged by the push service) are committed in small batches by the broadcast engine;
 * subscriptions are read page by page, never all at once.
 */
export class SqliteStore {
  /** @internal Tests read the file through it; not part of the declarations (better-sqlite3 is an optional peer). */
  readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    this.db = new Database(file);
    // WAL + NORMAL survives a killed process (not a power cut) without an fsync per commit.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    migrateSqlite(this.db);
    this.db.exec(INDEXES);
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
      // The union of the users' and the channels' subscriptions, each once (it is one SELECT over subscriptions).
      snapshotTarget: db.prepare(`INSERT INTO deliveries (broadcast_id, subscription_id, origin) SELECT ?, s.id, s.origin FROM subscriptions s
        WHERE s.user_id IN (SELECT value FROM json_each(?))
        OR s.id IN (SELECT subscription_id FROM subscription_channels WHERE channel IN (SELECT value FROM json_each(?)))`),
      setTotal: db.prepare('UPDATE broadcasts SET total = ? WHERE id = ?'),
      startScheduled: db.prepare(`UPDATE broadcasts SET status = 'queued' WHERE id = ? AND status = 'scheduled'`),
      getBroadcast: db.prepare('SELECT * FROM broadcasts WHERE id = ?'),
      listNewest: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM broadcasts ORDER BY seq DESC LIMIT ?`),
      listBefore: db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM broadcasts WHERE seq < (SELECT seq FROM broadcasts WHERE id = ?) ORDER BY seq DESC LIMIT ?`),
      unfinished: db.prepare(`SELECT id FROM broadcasts WHERE status IN ${UNFINISHED} ORDER BY seq`),
      stop: db.prepare(`UPDATE broadcasts SET status = ?, finished_at = ? WHERE id = ? AND status IN ${UNFINISHED}`),
      unsendPending: db.prepare(`UPDATE deliveries SET state = 'unsent' WHERE broadcast_id = ? AND state = 'pending'`),
      addUnsent: db.prepare('UPDATE broadcasts SET unsent = unsent + ? WHERE id = ?'),
      queueDepth: db.prepare(`SELECT coalesce(sum(total - sent - failed - gone - unsent), 0) AS n FROM broadcasts WHERE status IN ${UNFINISHED}`),
      countsByOrigin: db.prepare('SELECT origin, state, count(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY origin, state'),
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
      setStatus: db.prepare('UPDATE broadcasts SET status = ?, error = ?, finished_at = ? WHERE id = ?'),
      setProblems: db.prepare('UPDATE broadcasts SET problems = ? WHERE id = ?'),
      pendingPage: db.prepare(`SELECT d.subscription_id AS id, d.attempts, s.endpoint, s.p256dh, s.auth, s.origin
        FROM deliveries d LEFT JOIN subscriptions s ON s.id = d.subscription_id
        WHERE d.broadcast_id = ? AND d.state = 'pending' AND d.next_attempt_at <= ? AND d.subscription_id > ?
        ORDER BY d.subscription_id LIMIT ?`),
      nextDue: db.prepare(`SELECT min(next_attempt_at) AS at FROM deliveries WHERE broadcast_id = ? AND state = 'pending'`),
      updateDelivery: db.prepare(`UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?
        WHERE broadcast_id = ? AND subscription_id = ? AND state = 'pending'`),
      failures: db.prepare(`SELECT last_status AS status, last_error AS code, count(*) AS count FROM deliveries
        WHERE broadcast_id = ? AND state = 'failed' GROUP BY last_status, last_error ORDER BY count DESC LIMIT 20`),
      count_sent: db.prepare('UPDATE broadcasts SET sent = sent + 1 WHERE id = ?'),
      count_failed: db.prepare('UPDATE broadcasts SET failed = failed + 1 WHERE id = ?'),
      count_gone: db.prepare('UPDATE broadcasts SET gone = gone + 1 WHERE id = ?'),
    };
  }

  /** Adds or replaces (by endpoint) a subscription, its channels and its user; returns its id. */
  saveSubscription(subscription: PushSubscriptionJSON, origin: string, channels: readonly string[] = [], user: string | null = null): number {
    return this.db.transaction(() => {
      const { id } = this.statements.upsert.get(subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth, origin, Date.now(), user) as { id: number };
      this.statements.clearChannels.run(id);
      for (const channel of channels) this.statements.addChannel.run(channel, id);
      return id;
    })();
  }

  /** Many subscriptions in one transaction (imports, benchmarks). */
  saveSubscriptions(entries: Iterable<{ subscription: PushSubscriptionJSON; origin: string; channels?: string[]; user?: string }>): void {
    this.db.transaction(() => {
      for (const e of entries) this.saveSubscription(e.subscription, e.origin, e.channels, e.user ?? null);
    })();
  }

  /** A user's devices, oldest first: push service, channels, when, and the last delivery's outcome. */
  userSubscriptions(user: string): UserSubscription[] {
    const rows = this.statements.userSubscriptions.all(user) as {
      id: number; origin: string; created_at: number; channels: string;
      last_outcome: DeliveryState | null; last_status: number | null; last_outcome_at: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id, pushService: r.origin, channels: (JSON.parse(r.channels) as string[]).sort(), createdAt: r.created_at,
      lastOutcome: r.last_outcome === null ? null : { state: r.last_outcome, status: r.last_status, at: r.last_outcome_at! },
    }));
  }

  /** Deletes every subscription of a user (account deletion); returns how many. */
  deleteUser(user: string): number {
    return this.statements.deleteUser.run(user).changes;
  }

  /** Subscribers per channel and in all, and how many users have at least one device. */
  channelCounts(): ChannelCounts {
    const channels = (this.statements.channelCounts.all() as { channel: string; n: number }[]).map((r) => ({ channel: r.channel, subscribers: r.n }));
    return { total: this.countSubscriptions(), users: (this.statements.userCount.get() as { n: number }).n, channels };
  }

  deleteSubscription(endpoint: string): boolean {
    return this.statements.deleteByEndpoint.run(endpoint).changes > 0;
  }

  getSubscription(endpoint: string): StoredSubscription | undefined {
    const row = this.statements.getByEndpoint.get(endpoint) as { id: number; endpoint: string; p256dh: string; auth: string } | undefined;
    return row && { id: row.id, endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } };
  }

  countSubscriptions(): number {
    return (this.statements.count.get() as { n: number }).n;
  }

  /**
   * Records a broadcast. Sent now, it snapshots its recipients in the same transaction; scheduled
   * (`sendAt` later than now), it snapshots them when it starts (`startScheduled`), so subscribers
   * who join meanwhile get it.
   */
  createBroadcast(payload: Uint8Array, options: PushRequestOptions & { ttl: number; target: BroadcastTarget | null; sendAt?: number | null }, now = Date.now()): string {
    const id = randomUUID();
    const scheduled = options.sendAt != null && options.sendAt > now;
    this.db.transaction(() => {
      this.statements.insertBroadcast.run(id, Buffer.from(payload), options.target && JSON.stringify(options.target), options.ttl,
        options.urgency ?? null, options.topic ?? null, scheduled ? 'scheduled' : 'queued', now, options.sendAt ?? null);
      if (!scheduled) this.snapshot(id, options.target);
    })();
    return id;
  }

  /** A scheduled broadcast whose time has come: snapshots its recipients and queues it; false when it was not scheduled (any more). */
  startScheduled(id: string): boolean {
    return this.db.transaction(() => {
      if (this.statements.startScheduled.run(id).changes === 0) return false;
      this.snapshot(id, readTarget(this.statements.getBroadcast.get(id) as BroadcastRow));
      return true;
    })();
  }

  private snapshot(id: string, target: BroadcastTarget | null): void {
    const { changes } = target === null
      ? this.statements.snapshotAll.run(id)
      : this.statements.snapshotTarget.run(id, JSON.stringify(target.users), JSON.stringify(target.channels));
    this.statements.setTotal.run(changes, id);
  }

  getBroadcast(id: string): Broadcast | undefined {
    const row = this.statements.getBroadcast.get(id) as BroadcastRow | undefined;
    if (!row) return undefined;
    return {
      ...summary(row), payload: new Uint8Array(row.payload),
      ...(row.urgency ? { urgency: row.urgency as Broadcast['urgency'] } : {}),
      ...(row.topic ? { topic: row.topic } : {}),
      problems: JSON.parse(row.problems) as BroadcastProblem[], error: row.error,
      failures: row.failed === 0 ? [] : this.statements.failures.all(id) as FailureReason[],
    };
  }

  /** Broadcasts newest first, `limit` of them, after (older than) the broadcast `before` when given. */
  listBroadcasts(limit: number, before?: string): BroadcastSummary[] {
    const rows = (before === undefined ? this.statements.listNewest.all(limit) : this.statements.listBefore.all(before, limit)) as BroadcastRow[];
    return rows.map(summary);
  }

  /** Deliveries per push service (origin) and state, for a broadcast's status. */
  pushServiceCounts(id: string): PushServiceCounts {
    const counts: PushServiceCounts = {};
    for (const r of this.statements.countsByOrigin.all(id) as { origin: string | null; state: DeliveryState; n: number }[]) {
      const origin = r.origin ?? 'unknown';
      counts[origin] ??= { pending: 0, sent: 0, failed: 0, gone: 0, unsent: 0 };
      counts[origin][r.state] = r.n;
    }
    return counts;
  }

  unfinishedBroadcasts(): string[] {
    return (this.statements.unfinished.all() as { id: string }[]).map((r) => r.id);
  }

  /** Deliveries not yet final in unfinished broadcasts (the metrics' queue depth). */
  queueDepth(): number {
    return (this.statements.queueDepth.get() as { n: number }).n;
  }

  setBroadcastStatus(id: string, status: BroadcastStatus, error: string | null = null): void {
    this.statements.setStatus.run(status, error, FINAL_STATUSES.includes(status) ? Date.now() : null, id);
  }

  /**
   * Cancels or expires an unfinished broadcast: its pending deliveries become `unsent`, so nothing
   * more leaves. A delivery already in flight still records its outcome (`recordOutcomes`).
   * False when the broadcast was already final (or is unknown).
   */
  stopBroadcast(id: string, status: 'cancelled' | 'expired'): boolean {
    return this.db.transaction(() => {
      if (this.statements.stop.run(status, Date.now(), id).changes === 0) return false;
      this.statements.addUnsent.run(this.statements.unsendPending.run(id).changes, id);
      return true;
    })();
  }

  setBroadcastProblems(id: string, problems: BroadcastProblem[]): void {
    this.statements.setProblems.run(JSON.stringify(problems), id);
  }

  /** One page of deliveries due now, in subscription order after `afterId` (keyset paging keeps memory flat). */
  pendingDeliveries(broadcastId: string, now: number, afterId: number, limit: number): (PendingDelivery | UnsubscribedDelivery)[] {
    const rows = this.statements.pendingPage.all(broadcastId, now, afterId, limit) as { id: number; attempts: number; endpoint: string | null; p256dh: string; auth: string; origin: string }[];
    return rows.map((r) => r.endpoint === null
      ? { id: r.id, attempts: r.attempts, endpoint: null }
      : { id: r.id, attempts: r.attempts, endpoint: r.endpoint, origin: r.origin, keys: { p256dh: r.p256dh, auth: r.auth } });
  }

  /** When the earliest pending delivery is due, or null when none is left. */
  nextDueAt(broadcastId: string): number | null {
    return (this.statements.nextDue.get(broadcastId) as { at: number | null }).at;
  }

  /**
   * Records outcomes in one transaction: the delivery row, the broadcast's counters and, for a
   * gone subscription, its deletion. A delivery already final is never counted twice.
   */
  recordOutcomes(broadcastId: string, outcomes: readonly DeliveryOutcome[]): void {
    const s = this.statements;
    this.db.transaction(() => {
      const now = Date.now();
      for (const o of outcomes) {
        let { changes } = s.updateDelivery.run(o.state, o.attempts, o.nextAttemptAt, o.lastStatus, o.lastError, broadcastId, o.subscriptionId);
        if (o.state === 'pending' || o.state === 'unsent') continue;
        // In flight when its broadcast was cancelled: what the push service answered still counts.
        if (changes === 0 && (changes = s.finishUnsent.run(o.state, o.attempts, o.nextAttemptAt, o.lastStatus, o.lastError, broadcastId, o.subscriptionId).changes) > 0) {
          s.count_unsent.run(broadcastId);
        }
        if (changes === 0) continue;
        s[`count_${o.state}`].run(broadcastId);
        if (o.state === 'gone') s.deleteById.run(o.subscriptionId);
        else s.lastOutcome.run(o.state, o.lastStatus, now, o.subscriptionId);
      }
    })();
  }

  close(): void {
    this.db.close();
  }
}

function readTarget(row: BroadcastRow): BroadcastTarget | null {
  if (row.target !== null) return JSON.parse(row.target) as BroadcastTarget;
  // Rows from before targets: one channel, or everyone.
  return row.channel === null ? null : { users: [], channels: [row.channel] };
}

function summary(row: BroadcastRow): BroadcastSummary {
  return {
    id: row.id, status: row.status, target: readTarget(row), ttl: row.ttl, createdAt: row.created_at, sendAt: row.send_at,
    total: row.total, sent: row.sent, failed: row.failed, gone: row.gone, unsent: row.unsent,
    pending: row.total - row.sent - row.failed - row.gone - row.unsent,
  };
}
