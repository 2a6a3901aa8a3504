/**
 * The store seam (spec-notes.md#push-server, what is stored): every driver (SQLite, PostgreSQL)
 * implements `Store`, and the contract suite in test/server/store-contract.ts runs against each.
 * The domain types live here, outside any driver.
 *
 * Times that decide when something is due are the database's own clock, never a caller's:
 * callers pass durations (`retryInMs`, `leaseMs`) and receive durations (`dueInMs`), so processes
 * on machines with skewed clocks agree on when a retry is due.
 */
import type { PushRequestOptions, PushSubscriptionJSON } from '../push-request.js';

/**
 * `scheduled` until its `send_at`; `queued`, `running`; then final: `done`, `failed`, `cancelled`
 * (`DELETE /api/notifications/:id`) or `expired` (its TTL ran out before every delivery was made).
 */
export type BroadcastStatus = 'scheduled' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'expired';
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

/** Deliveries of one broadcast per push service (origin) and state. */
export type PushServiceCounts = Record<string, Record<DeliveryState, number>>;

export interface StoredSubscription extends PushSubscriptionJSON {
  id: number;
}

export interface NewSubscription {
  subscription: PushSubscriptionJSON;
  origin: string;
  channels?: readonly string[];
  /** The user a grant linked it to. */
  user?: string | null;
}

export interface BroadcastProblem {
  code: 'vapid-rejected';
  origin: string;
  count: number;
}

export interface BroadcastOptions extends PushRequestOptions {
  ttl: number;
  target: BroadcastTarget | null;
  /** Unix ms: later than now, the broadcast is `scheduled` and picks its recipients then (`startScheduled`). */
  sendAt?: number | null;
}

/** A broadcast as listed: its status and counters. */
export interface BroadcastSummary {
  id: string;
  status: BroadcastStatus;
  /** null: every subscriber. */
  target: BroadcastTarget | null;
  ttl: number;
  createdAt: number;
  sendAt: number | null;
  /** When it became final (done, failed, cancelled, expired); null before. */
  finishedAt: number | null;
  /** The message's `notification.title`, for lists (the payload is the portable form, which always has one). */
  title: string | null;
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
  /** Failed deliveries grouped by their last reason, most frequent first (at most 20). */
  failures: FailureReason[];
}

/** Failed deliveries of one broadcast grouped by their last reason: the push service's status, or an error code. */
export interface FailureReason {
  status: number | null;
  code: string | null;
  count: number;
}

/**
 * A broadcast's recipients are cut into batches of consecutive subscription ids (keyset ranges,
 * `BATCH_SIZE` each) when it is created; a batch is the unit one process claims and runs.
 */
export interface BatchRef {
  broadcastId: string;
  batch: number;
}

/** A batch not finished yet, and how long until its earliest pending delivery is due (0: now). */
export interface OpenBatch extends BatchRef {
  dueInMs: number;
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

export type DueDelivery = PendingDelivery | UnsubscribedDelivery;

export interface DeliveryOutcome {
  subscriptionId: number;
  state: DeliveryState;
  attempts: number;
  /** For `pending`: how long from now (database time) until the next attempt. */
  retryInMs: number;
  lastStatus: number | null;
  /** The error code when there was no HTTP answer (error-codes.ts), else null. */
  lastError: string | null;
}

/** Subscriptions per batch: small enough that a re-run after a crash is cheap, large enough to keep lanes busy. */
export const BATCH_SIZE = 500;

export interface Store {
  /** Adds or replaces (by endpoint) a subscription, its channels and its user; returns its id. */
  saveSubscription(subscription: PushSubscriptionJSON, origin: string, channels?: readonly string[], user?: string | null): Promise<number>;
  /** Many subscriptions in one transaction (imports, benchmarks). */
  saveSubscriptions(entries: Iterable<NewSubscription>): Promise<void>;
  deleteSubscription(endpoint: string): Promise<boolean>;
  getSubscription(endpoint: string): Promise<StoredSubscription | undefined>;
  countSubscriptions(): Promise<number>;
  /** A user's devices, oldest first: push service, channels, when, and the last delivery's outcome. */
  userSubscriptions(user: string): Promise<UserSubscription[]>;
  /** Deletes every subscription of a user (account deletion); returns how many. */
  deleteUser(user: string): Promise<number>;
  /** Subscribers per channel and in all, and how many users have at least one device. */
  channelCounts(): Promise<ChannelCounts>;

  /**
   * Records a broadcast, the snapshot of its recipients and its batches, in one transaction; a
   * scheduled one (`sendAt` later than now) without recipients or batches until `startScheduled`.
   */
  createBroadcast(payload: Uint8Array, options: BroadcastOptions): Promise<string>;
  /** A scheduled broadcast whose time has come: snapshots its recipients and batches, queues it; false when not scheduled (any more). */
  startScheduled(id: string): Promise<boolean>;
  /** Scheduled broadcasts and how long until each is due (0: now), for timers at start. */
  scheduledBroadcasts(): Promise<{ id: string; dueInMs: number }[]>;
  getBroadcast(id: string): Promise<Broadcast | undefined>;
  /** Broadcasts newest first, `limit` of them, older than the broadcast `before` when given. */
  listBroadcasts(limit: number, before?: string): Promise<BroadcastSummary[]>;
  /** Deliveries per push service and state, for a broadcast's status. */
  pushServiceCounts(id: string): Promise<PushServiceCounts>;
  /**
   * Cancels or expires an unfinished broadcast: its pending deliveries become `unsent` and its
   * batches close, so nothing more leaves; a delivery in flight still records what the push
   * service answered (`recordOutcomes`). False when it was already final (or is unknown).
   */
  stopBroadcast(id: string, status: 'cancelled' | 'expired'): Promise<boolean>;
  /** Deliveries not yet final in unfinished broadcasts (the metrics' queue depth). */
  queueDepth(): Promise<number>;
  /** Marks a queued or running broadcast failed with the reason; a finished one stays as it is. */
  failBroadcast(id: string, error: string): Promise<void>;
  /** Merges problems into the broadcast's (per origin and code, the larger count wins). */
  addBroadcastProblems(id: string, problems: readonly BroadcastProblem[]): Promise<void>;
  /** Marks the broadcast done when none of its batches is open; true only for the call that did. */
  finishBroadcastIfDone(id: string): Promise<boolean>;

  /** Open batches of one broadcast, or of every queued or running broadcast. */
  openBatches(broadcastId?: string): Promise<OpenBatch[]>;
  /**
   * Open batches whose due time passed `graceMs` ago and that nobody holds a live lease on: a
   * process died with them, or before it queued them.
   */
  strandedBatches(graceMs: number): Promise<BatchRef[]>;
  /**
   * Takes (or renews) the lease on a batch of a queued or running broadcast, unless another owner
   * holds a live lease. Also marks the broadcast running. False when the batch is not to be run.
   */
  claimBatch(ref: BatchRef, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * Gives the lease up after a pass: the batch is closed when nothing of it is pending, else it
   * becomes due again when its earliest pending delivery is. Returns that delay, or null when closed.
   */
  releaseBatch(ref: BatchRef, owner: string): Promise<number | null>;
  /** Pending deliveries of the batch due now (database time), after `afterId`, in id order. */
  dueDeliveries(ref: BatchRef, afterId: number, limit: number): Promise<DueDelivery[]>;
  /**
   * Records outcomes in one transaction: the delivery row, the batch's counters and, for a gone
   * subscription, its deletion. A delivery already final is never counted twice.
   */
  recordOutcomes(ref: BatchRef, outcomes: readonly DeliveryOutcome[]): Promise<void>;

  /** A shared setting (keys, token hash): the stored value, or `value` when this call stored it first. */
  settingOrInsert(key: string, value: string): Promise<{ value: string; inserted: boolean }>;

  /** Whether the database answers now (readiness). */
  ping(): Promise<boolean>;

  close(): Promise<void>;
}
