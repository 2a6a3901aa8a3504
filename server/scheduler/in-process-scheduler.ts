import type { BatchRef } from '../store/store.js';
import type { BatchHandler, Scheduler } from './scheduler.js';

/** A batch that threw is tried again after this long (the store may be back by then). */
const RETRY_AFTER_THROW_MS = 5_000;

/**
 * Timers and a queue in this process: what the embedded SQLite store needs. Nothing survives the
 * process; the engine queues the store's open batches again at start.
 */
export class InProcessScheduler implements Scheduler {
  readonly durable = false;
  private readonly queue: BatchRef[] = [];
  private readonly queued = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private handler: BatchHandler | null = null;
  private concurrency = 1;
  private running = 0;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private idleWaiters: (() => void)[] = [];

  async schedule(ref: BatchRef, delayMs: number): Promise<void> {
    const key = keyOf(ref);
    if (this.stopped || this.queued.has(key)) return;
    const timer = this.timers.get(key);
    if (timer) {
      if (delayMs > 0) return;
      clearTimeout(timer);
      this.timers.delete(key);
    }
    if (delayMs > 0) {
      this.timers.set(key, setTimeout(() => {
        this.timers.delete(key);
        void this.schedule(ref, 0);
      }, delayMs));
      return;
    }
    this.queued.add(key);
    this.queue.push(ref);
    this.pump();
  }

  async start(handler: BatchHandler, concurrency: number): Promise<void> {
    this.handler = handler;
    this.concurrency = Math.max(1, concurrency);
    this.pump();
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    await Promise.all(this.inFlight);
    this.wakeIdle();
  }

  private isIdle(): boolean {
    return this.stopped || (this.running === 0 && this.queue.length === 0 && this.timers.size === 0);
  }

  private pump(): void {
    while (this.handler && !this.stopped && this.running < this.concurrency && this.queue.length > 0) {
      const ref = this.queue.shift()!;
      this.queued.delete(keyOf(ref));
      this.running++;
      const run = this.handler(ref).catch(() => {
        if (!this.stopped) void this.schedule(ref, RETRY_AFTER_THROW_MS);
      }).finally(() => {
        this.running--;
        this.inFlight.delete(run);
        this.pump();
        this.wakeIdle();
      });
      this.inFlight.add(run);
    }
  }

  private wakeIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

export function keyOf(ref: BatchRef): string {
  return `${ref.broadcastId}:${ref.batch}`;
}
