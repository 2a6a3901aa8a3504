import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { PushRequestOptions, PushSubscriptionJSON } from '../push-request.js';
import { SCHEMA } from './schema.js';
import { migrateSqlite } from './sqlite-migrations.js';

export type BroadcastStatus = 'queued' | 'running' | 'done' | 'failed';
/** A delivery's state: `pending` until final; then `sent` (2xx), `failed` or `gone` (404/410, or unsubscribed meanwhile). */
export type DeliveryState = 'pending' | 'sent' | 'failed' | 'gone';

export interface StoredSubscription extends PushSubscriptionJSON {
  id: number;
}

export interface BroadcastProblem {
  code: 'vapid-rejected';
  origin: string;
  count: number;
}

export interface Broadcast extends PushRequestOptions {
  id: string;
  payload: Uint8Array;
  channel: string | null;
  ttl: number;
  status: BroadcastStatus;
  total: number;
  sent: number;
  failed: number;
  gone: number;
  pending: number;
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
  id: string; payload: Buffer; channel: string | null; ttl: number; urgency: string | null; topic: string | null;
  status: BroadcastStatus; total: number; sent: number; failed: number; gone: number; problems: string; error: string | null;
}

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
      setTotal: db.prepare('UPDATE broadcasts SET total = ? WHERE id = ?'),
      getBroadcast: db.prepare('SELECT * FROM broadcasts WHERE id = ?'),
      unfinished: db.prepare(`SELECT id FROM broadcasts WHERE status IN ('queued', 'running') ORDER BY seq`),
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

  /** Adds or replaces (by endpoint) a subscription and its channels; returns its id. */
  saveSubscription(subscription: PushSubscriptionJSON, origin: string, channels: readonly string[] = []): number {
    return this.db.transaction(() => {
      const { id } = this.statements.upsert.get(subscription.endpoint, subscription.keys.p256dh, subscription.keys.auth, origin, Date.now()) as { id: number };
      this.statements.clearChannels.run(id);
      for (const channel of channels) this.statements.addChannel.run(channel, id);
      return id;
    })();
  }

  /** Many subscriptions in one transaction (imports, benchmarks). */
  saveSubscriptions(entries: Iterable<{ subscription: PushSubscriptionJSON; origin: string; channels?: string[] }>): void {
    this.db.transaction(() => {
      for (const e of entries) this.saveSubscription(e.subscription, e.origin, e.channels);
    })();
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

  /** Records a broadcast and the list of its recipients (a snapshot of the subscriptions now). */
  createBroadcast(payload: Uint8Array, options: PushRequestOptions & { ttl: number; channel?: string | undefined }): string {
    const id = randomUUID();
    this.db.transaction(() => {
      this.statements.insertBroadcast.run(id, Buffer.from(payload), options.channel ?? null, options.ttl, options.urgency ?? null, options.topic ?? null, Date.now());
      const { changes } = options.channel === undefined
        ? this.statements.snapshotAll.run(id)
        : this.statements.snapshotChannel.run(id, options.channel);
      this.statements.setTotal.run(changes, id);
    })();
    return id;
  }

  getBroadcast(id: string): Broadcast | undefined {
    const row = this.statements.getBroadcast.get(id) as BroadcastRow | undefined;
    if (!row) return undefined;
    return {
      id: row.id, payload: new Uint8Array(row.payload), channel: row.channel, ttl: row.ttl,
      ...(row.urgency ? { urgency: row.urgency as Broadcast['urgency'] } : {}),
      ...(row.topic ? { topic: row.topic } : {}),
      status: row.status, total: row.total, sent: row.sent, failed: row.failed, gone: row.gone,
      pending: row.total - row.sent - row.failed - row.gone,
      problems: JSON.parse(row.problems) as BroadcastProblem[], error: row.error,
      failures: row.failed === 0 ? [] : this.statements.failures.all(id) as FailureReason[],
    };
  }

  unfinishedBroadcasts(): string[] {
    return (this.statements.unfinished.all() as { id: string }[]).map((r) => r.id);
  }

  setBroadcastStatus(id: string, status: BroadcastStatus, error: string | null = null): void {
    const final = status === 'done' || status === 'failed';
    this.statements.setStatus.run(status, error, final ? Date.now() : null, id);
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
      for (const o of outcomes) {
        const { changes } = s.updateDelivery.run(o.state, o.attempts, o.nextAttemptAt, o.lastStatus, o.lastError, broadcastId, o.subscriptionId);
        if (changes === 0 || o.state === 'pending') continue;
        s[`count_${o.state}`].run(broadcastId);
        if (o.state === 'gone') s.deleteById.run(o.subscriptionId);
      }
    })();
  }

  close(): void {
    this.db.close();
  }
}
