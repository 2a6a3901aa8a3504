import type { DeliveryDeps } from './attempt-delivery.js';
import { BroadcastRun } from './broadcast-run.js';
import type { BuildContext } from './request-builder.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import type { SqliteStore } from './store/sqlite-store.js';

export interface BroadcastEngineOptions extends DeliveryDeps {
  store: SqliteStore;
  /** Requests in flight per push-service origin. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** 403 answers from one origin, at least half of its answers, before the broadcast reports a VAPID problem. */
  vapidProblemThreshold?: number;
  log?: (line: string) => void;
}

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
    this.timers.set(id, setTimeout(() => {
      this.timers.delete(id);
      this.enqueue(id);
    }, Math.max(0, dueAt - Date.now())));
  }

  /** Sends what is due now; returns when the next retry is due, or null once the broadcast is over. */
  private async runPass(id: string): Promise<number | null> {
    const { store } = this.options;
    let run = this.runs.get(id);
    if (!run) {
      const broadcast = store.getBroadcast(id);
      if (!broadcast || broadcast.status === 'done' || broadcast.status === 'failed') return null;
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
    if (this.stopping) return null;
    const dueAt = store.nextDueAt(id);
    if (dueAt !== null) return dueAt;
    this.runs.delete(id);
    store.setBroadcastStatus(id, 'done');
    const done = store.getBroadcast(id)!;
    this.log(`broadcast ${id} done: ${done.sent} sent, ${done.failed} failed, ${done.gone} gone`);
    return null;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
