import type { BatchRef } from '../store/store.js';

/** Runs one batch; a throw means the batch should be tried again later. */
export type BatchHandler = (ref: BatchRef) => Promise<void>;

/**
 * The scheduler seam: who runs which batch when. In-process timers for the embedded SQLite store;
 * pg-boss jobs for PostgreSQL, shared by every process on the database.
 */
export interface Scheduler {
  /**
   * True when queued batches survive this process (a job queue in the database); false when a
   * restarted process has to queue the open batches again from the store.
   */
  readonly durable: boolean;
  /** Queues a batch to run in `delayMs` (0: now). Queuing one already queued is harmless. */
  schedule(ref: BatchRef, delayMs: number): Promise<void>;
  /** Starts running batches with `handler`, at most `concurrency` at once in this process. */
  start(handler: BatchHandler, concurrency: number): Promise<void>;
  /** Resolves when nothing is queued, waiting or running here (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops taking batches and waits for the running ones; queued ones stay queued (durable) or are dropped. */
  stop(): Promise<void>;
}
