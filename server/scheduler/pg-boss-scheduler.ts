import PgBoss from 'pg-boss';
import type { BatchRef } from '../store/store.js';
import { keyOf } from './in-process-scheduler.js';
import type { BatchHandler, Scheduler } from './scheduler.js';

const QUEUE = 'dwp-batches';

/**
 * Batches as pg-boss jobs, shared by every process on the database. The queue is `short`: one
 * waiting job per batch key, so queuing a batch twice (the sweeper, a restart) makes one job. A
 * job is only a wake-up: the batch's lease in the store decides who runs it, so a job pg-boss hands
 * out twice (an expired handler that still runs: pg-boss 10 has no heartbeat) runs nothing twice.
 * A job of a killed process is not waited for: the engine's sweep finds its batch by the lease that
 * ran out (seconds) and queues it again, long before pg-boss's own expiry would.
 */
export class PgBossScheduler implements Scheduler {
  readonly durable = true;
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  private constructor(private readonly boss: PgBoss) {}

  /** Starts pg-boss (it migrates its own schema, safe when processes start at once) and makes the queue. */
  static async open(url: string, log: (line: string) => void = () => {}): Promise<PgBossScheduler> {
    const boss = new PgBoss({
      connectionString: url, max: 4,
      // The explicit values pg-boss 10's docs and SQL disagree on, and short sweeps (spec-notes.md#push-server, scale-out).
      retryLimit: 20, retryDelay: 5, expireInSeconds: 15 * 60, maintenanceIntervalSeconds: 30, monitorStateIntervalSeconds: 600,
    });
    boss.on('error', (error: Error) => log(`job queue: ${error.message}`));
    await boss.start();
    if (!await boss.getQueue(QUEUE)) {
      try {
        await boss.createQueue(QUEUE, { name: QUEUE, policy: 'short', retryLimit: 20, retryDelay: 5, expireInSeconds: 15 * 60 });
      } catch (error) {
        // Another process made it at the same moment.
        if (!await boss.getQueue(QUEUE)) throw error;
      }
    }
    return new PgBossScheduler(boss);
  }

  async schedule(ref: BatchRef, delayMs: number): Promise<void> {
    // startAfter in seconds becomes now() + interval in the database: its clock, not this machine's.
    await this.boss.send(QUEUE, { ...ref }, { singletonKey: keyOf(ref), ...(delayMs > 0 ? { startAfter: Math.ceil(delayMs / 1000) } : {}) });
  }

  async start(handler: BatchHandler, concurrency: number): Promise<void> {
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<BatchRef>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        this.running++;
        try {
          for (const job of jobs) await handler({ broadcastId: job.data.broadcastId, batch: job.data.batch });
        } finally {
          this.running--;
          if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        }
      });
    }
  }

  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }
}
