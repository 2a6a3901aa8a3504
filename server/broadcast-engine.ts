import { randomUUID } from 'node:crypto';
import type { DeliveryDeps } from './attempt-delivery.js';
import { createBatchSender, type BatchSender } from './batch-sender.js';
import { runBatch } from './batch-run.js';
import type { DeliveryMetrics } from './metrics.js';
import type { BuildContext } from './request-builder.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { InProcessScheduler, keyOf } from './scheduler/in-process-scheduler.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { retryStoreCall } from './store/retry-store-call.js';
import type { BatchRef, Store } from './store/store.js';
import { VapidProblemWatch } from './vapid-problem-watch.js';

export interface BroadcastEngineOptions extends DeliveryDeps {
  store: Store;
  /** In-process timers by default; pg-boss when several processes share a PostgreSQL database. */
  scheduler?: Scheduler;
  /** The sending pipeline; by default per-origin lanes over `attemptDelivery`. */
  sender?: BatchSender;
  /** Requests in flight per push-service origin. */
  concurrency?: number;
  /** Batches this process runs at once. */
  batchConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** 403 answers from one origin, at least half of its answers, before the broadcast reports a VAPID problem. */
  vapidProblemThreshold?: number;
  /** How long a claimed batch stays this process's without renewal (renewed every third of it while it runs). */
  leaseMs?: number;
  /** False for a process that only queues batches for others (`--role api`). Default true. */
  runBatches?: boolean;
  /** How often a durable scheduler's engine looks for batches a dead process left (sweep), milliseconds. */
  sweepEveryMs?: number;
  log?: (line: string) => void;
  metrics?: DeliveryMetrics;
}

/** What the engine keeps about a broadcast it is running batches of. */
export interface BroadcastInProcess {
  context: BuildContext;
  watch: VapidProblemWatch;
  /** Unix ms after which nothing of it is worth sending (its TTL, from when it was to leave), or null. */
  deadline: number | null;
  /** Aborted when the broadcast is cancelled or expires: its batches here send nothing more. */
  halt: AbortController;
}

/** setTimeout's longest delay; a broadcast scheduled further out is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const DEFAULT_LEASE_MS = 10_000;

/**
 * Runs broadcasts as batches (spec-notes.md#push-server, scale-out): a broadcast's recipients are
 * cut into batches when it is created; the scheduler hands batches to any process; a process claims
 * a batch with a lease in the store, sends what is due, records each outcome as it arrives, and
 * gives the batch back, due again when its earliest retry is. A batch whose remaining deliveries
 * wait for a retry steps aside, so a later broadcast is not held up by an earlier one's backoff.
 * Every outcome is committed within a few milliseconds of the push service's answer, so after a
 * crash only the deliveries in flight at that moment are sent again (spec-notes.md#push-server,
 * crash safety).
 */
export class BroadcastEngine {
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly sender: BatchSender;
  readonly retry: RetryPolicy;
  /** This process's name on leases. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Batches running in this process: a second job for one of them runs after the first ends. */
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  readonly broadcasts = new Map<string, BroadcastInProcess>();
  readonly abort = new AbortController();
  private sweeper: NodeJS.Timeout | null = null;
  /** Timers of scheduled broadcasts (each process arms its own; `startScheduled` lets one of them start it). */
  private readonly scheduled = new Map<string, NodeJS.Timeout>();

  constructor(readonly options: BroadcastEngineOptions) {
    this.store = options.store;
    this.scheduler = options.scheduler ?? new InProcessScheduler();
    this.sender = options.sender ?? createBatchSender(options, options.concurrency);
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    // A process alone on its store (not durable) reclaims its own leases after a restart at once.
    this.owner = this.scheduler.durable ? randomUUID() : 'this-process';
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Starts running batches; picks up what a previous process left unfinished. */
  async start(): Promise<void> {
    if (this.options.runBatches === false) return;
    await this.scheduler.start((ref) => this.run(ref), this.options.batchConcurrency ?? 8);
    for (const { id, dueInMs } of await this.call(() => this.store.scheduledBroadcasts())) this.later(id, dueInMs);
    if (!this.scheduler.durable) {
      for (const batch of await this.call(() => this.store.openBatches())) await this.scheduler.schedule(batch, batch.dueInMs);
      return;
    }
    this.log(`running batches as ${this.owner}`);
    const sweepEveryMs = this.options.sweepEveryMs ?? 2_000;
    const sweep = async () => {
      try {
        for (const ref of await this.store.strandedBatches(this.leaseMs)) await this.scheduler.schedule(ref, 0);
      } catch (error) {
        this.log(`sweep for stranded batches failed: ${(error as Error).message}`);
      }
    };
    this.sweeper = setInterval(() => void sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  /** Queues the batches of a broadcast just created (a broadcast without recipients is done at once). */
  async enqueue(id: string): Promise<void> {
    const broadcast = await this.call(() => this.store.getBroadcast(id));
    if (broadcast?.status === 'scheduled') {
      this.later(id, Math.max(0, broadcast.sendAt! - Date.now()));
      return;
    }
    const batches = await this.call(() => this.store.openBatches(id));
    for (const batch of batches) await this.scheduler.schedule(batch, batch.dueInMs);
    if (batches.length === 0) await this.finish(id);
  }

  /** Resolves when nothing is queued or running in this process. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /**
   * Cancels a broadcast: nothing more leaves (its pending deliveries become `unsent`, its batches
   * close; batches running here stop starting requests, and other processes' stop when their lease
   * renewal finds it cancelled); requests in flight finish and are recorded. False when it is
   * unknown or already final.
   */
  async cancel(id: string): Promise<boolean> {
    if (!await this.call(() => this.store.stopBroadcast(id, 'cancelled'))) return false;
    this.halt(id);
    this.log(`broadcast ${id} cancelled`);
    return true;
  }

  /**
   * Stops a broadcast whose TTL runs out by `at` (spec-notes.md#grants, broadcast management);
   * true when it did (or it was stopped already).
   */
  async expireIfLate(id: string, deadline: number | null, at: number): Promise<boolean> {
    if (deadline === null || at < deadline) return false;
    if (await this.call(() => this.store.stopBroadcast(id, 'expired'))) {
      this.log(`broadcast ${id} expired: its TTL ran out before every delivery was made`);
    }
    this.halt(id);
    return true;
  }

  private halt(id: string): void {
    this.broadcasts.get(id)?.halt.abort();
    this.broadcasts.delete(id);
    clearTimeout(this.scheduled.get(id));
    this.scheduled.delete(id);
  }

  /** A scheduled broadcast's timer: when due, one process snapshots its recipients and every process queues its batches. */
  private later(id: string, dueInMs: number): void {
    clearTimeout(this.scheduled.get(id));
    const timer = setTimeout(() => {
      this.scheduled.delete(id);
      if (this.stopping) return;
      void (async () => {
        const broadcast = await this.call(() => this.store.getBroadcast(id));
        if (broadcast?.status === 'scheduled' && broadcast.sendAt! > Date.now()) return this.later(id, broadcast.sendAt! - Date.now());
        await this.call(() => this.store.startScheduled(id));
        await this.enqueue(id);
      })().catch((error: Error) => this.log(`broadcast ${id}: starting it failed: ${error.message}`));
    }, Math.min(MAX_TIMER_MS, dueInMs));
    timer.unref();
    this.scheduled.set(id, timer);
  }

  /** Stops taking work, lets requests in flight finish and records them; the rest resumes later. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const timer of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([this.sender.stop(), this.scheduler.stop()]);
  }

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(ref: BatchRef): Promise<void> {
    const key = keyOf(ref);
    if (this.stopping) return;
    if (this.running.has(key)) {
      this.rerun.add(key);
      return;
    }
    this.running.add(key);
    try {
      await runBatch(this, ref);
    } finally {
      this.running.delete(key);
      if (this.rerun.delete(key)) await this.scheduler.schedule(ref, 0);
    }
  }

  /** Marks the broadcast done once no batch of it is open (whichever process finishes last). */
  async finish(id: string): Promise<void> {
    this.broadcasts.delete(id);
    if (!await this.call(() => this.store.finishBroadcastIfDone(id))) return;
    const done = await this.call(() => this.store.getBroadcast(id));
    this.log(`broadcast ${id} done: ${done?.sent} sent, ${done?.failed} failed, ${done?.gone} gone`);
  }

  /** A store call, tried again while the failure is transient (spec-notes.md#push-server, scale-out). */
  call<T>(fn: () => Promise<T>): Promise<T> {
    return retryStoreCall(fn, (error, attempt) => this.log(`store call failed (try ${attempt}), trying again: ${error.message}`));
  }

  log(line: string): void {
    this.options.log?.(line);
  }
}
