import type { DeliveryDeps } from './attempt-delivery.js';
import { BroadcastRun } from './broadcast-run.js';
import type { BuildContext } from './request-builder.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import type { DeliveryMetrics } from './metrics.js';
import { FINAL_STATUSES } from './broadcast-status.js';
import type { Broadcast, SqliteStore } from './store/sqlite-store.js';

export interface BroadcastEngineOptions extends DeliveryDeps {
  store: SqliteStore;
  /** Requests in flight per push-service origin. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** 403 answers from one origin, at least half of its answers, before the broadcast reports a VAPID problem. */
  vapidProblemThreshold?: number;
  log?: (line: string) => void;
  metrics?: DeliveryMetrics;
}

/** setTimeout's longest delay; a broadcast scheduled further out is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs broadcasts one pass at a time, each fanned out over per-origin lanes. A broadcast whose
 * remaining deliveries wait for a retry steps aside (a timer queues it again when they are due), so
 * a later broadcast is not held up by an earlier one's backoff. Every outcome is committed within a
 * few milliseconds of the push service's answer, so after a crash only the deliveries in flight at
 * that moment are sent again; one the push service acknowledged and we recorded never is
 * (spec-notes.md#push-server, crash safety).
 */
export class BroadcastEngine {
  private readonly queue: string[] = [];
  private readonly runs = new Map<string, BroadcastRun>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running: Promise<void> | null = null;
  private stopping = false;
  private idleWaiters: (() => void)[] = [];
  private readonly retry: RetryPolicy;

  constructor(private readonly options: BroadcastEngineOptions) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /** Picks up the broadcasts a previous process left unfinished. */
  resume(): void {
    for (const id of this.options.store.unfinishedBroadcasts()) this.enqueue(id);
  }

  enqueue(id: string): void {
    if (this.stopping || this.queue.includes(id)) return;
    this.queue.push(id);
    this.running ??= this.loop().finally(() => {
      this.running = null;
      this.wakeIdle();
    });
  }

  /** Resolves when every broadcast is finished (or the engine stopped). */
  idle(): Promise<void> {
    if (!this.running && this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Cancels a broadcast: nothing more leaves (its pending deliveries become `unsent`, queued ones
   * are dropped before they are sent); requests in flight finish and are recorded. False when it
   * is unknown or already final.
   */
  cancel(id: string): boolean {
    if (!this.options.store.stopBroadcast(id, 'cancelled')) return false;
    this.halt(id);
    this.log(`broadcast ${id} cancelled`);
    return true;
  }

  private halt(id: string): void {
    this.runs.get(id)?.halt();
    this.runs.delete(id);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const queued = this.queue.indexOf(id);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.wakeIdle();
  }

  /** Stops taking work, lets requests in flight finish and records them; the rest resumes at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const run of this.runs.values()) run.halt();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.running;
    this.wakeIdle();
  }

  private wakeIdle(): void {
    if (this.running || this.timers.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0 && !this.stopping) {
      const id = this.queue.shift()!;
      try {
        const dueAt = await this.runPass(id);
        if (dueAt !== null && !this.stopping) this.later(id, dueAt);
      } catch (error) {
        this.runs.delete(id);
        this.options.store.setBroadcastStatus(id, 'failed', (error as Error).message);
        this.log(`broadcast ${id} failed: ${(error as Error).message}`);
      }
    }
  }

  private later(id: string, dueAt: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.set(id, setTimeout(() => {
      this.timers.delete(id);
      this.enqueue(id);
    }, Math.min(MAX_TIMER_MS, Math.max(0, dueAt - Date.now()))));
  }

  /** Sends what is due now; returns when the next retry is due, or null once the broadcast is over. */
  private async runPass(id: string): Promise<number | null> {
    const { store } = this.options;
    let run = this.runs.get(id);
    if (!run) {
      let broadcast = store.getBroadcast(id);
      if (!broadcast || FINAL_STATUSES.includes(broadcast.status)) return null;
      if (broadcast.status === 'scheduled') {
        if (broadcast.sendAt! > Date.now()) return broadcast.sendAt;
        store.startScheduled(id);
        broadcast = store.getBroadcast(id)!;
      }
      if (this.expire(broadcast, Date.now())) return null;
      store.setBroadcastStatus(id, 'running');
      this.log(`broadcast ${id}: ${broadcast.pending} of ${broadcast.total} deliveries to go`);
      const context: BuildContext = {
        payload: broadcast.payload,
        options: { ttl: broadcast.ttl, ...(broadcast.urgency ? { urgency: broadcast.urgency } : {}), ...(broadcast.topic ? { topic: broadcast.topic } : {}) },
      };
      run = new BroadcastRun(id, this.options, this.retry, context, (line) => this.log(line), () => this.stopping);
      this.runs.set(id, run);
    }
    await run.pass();
    if (this.stopping || run.halted) return null;
    const dueAt = store.nextDueAt(id);
    // A retry due after the TTL ran out would be dropped by the push service anyway.
    if (dueAt !== null && this.expire(store.getBroadcast(id)!, dueAt)) return null;
    if (dueAt !== null) return dueAt;
    this.runs.delete(id);
    store.setBroadcastStatus(id, 'done');
    const done = store.getBroadcast(id)!;
    this.log(`broadcast ${id} done: ${done.sent} sent, ${done.failed} failed, ${done.gone} gone`);
    return null;
  }

  /**
   * Stops a broadcast whose TTL runs out by `at`, counted from when it was to leave
   * (spec-notes.md#grants, broadcast management). TTL 0 means "now or never" to a push
   * service, not to our queue: such broadcasts never expire here.
   */
  private expire(broadcast: Broadcast, at: number): boolean {
    if (broadcast.ttl === 0 || at < (broadcast.sendAt ?? broadcast.createdAt) + broadcast.ttl * 1000) return false;
    if (!this.options.store.stopBroadcast(broadcast.id, 'expired')) return false;
    this.halt(broadcast.id);
    this.log(`broadcast ${broadcast.id} expired: its TTL of ${broadcast.ttl} s ran out before every delivery was made`);
    return true;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
