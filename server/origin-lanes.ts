/**
 * Work queues per push-service origin, each drained by at most `concurrency` tasks at once, with
 * one bound on everything queued so a slow push service cannot make memory grow.
 */
export class OriginLanes<T> {
  private readonly lanes = new Map<string, { queue: T[]; head: number; active: number }>();
  private queued = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly run: (item: T) => Promise<void>,
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  /** Queues an item; waits first while the bound is reached. */
  async push(origin: string, item: T): Promise<void> {
    while (this.queued >= this.maxQueued) await new Promise<void>((resolve) => this.waiters.push(resolve));
    let lane = this.lanes.get(origin);
    if (!lane) this.lanes.set(origin, (lane = { queue: [], head: 0, active: 0 }));
    lane.queue.push(item);
    this.queued++;
    this.pump(origin);
  }

  /** Resolves once nothing is queued or running. */
  async drain(): Promise<void> {
    while (this.queued > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private pump(origin: string): void {
    const lane = this.lanes.get(origin)!;
    while (lane.active < this.concurrency && lane.head < lane.queue.length) {
      const item = lane.queue[lane.head++]!;
      lane.active++;
      void this.run(item).finally(() => {
        lane.active--;
        this.queued--;
        if (lane.head === lane.queue.length) {
          lane.queue = [];
          lane.head = 0;
        }
        const waiters = this.waiters;
        this.waiters = [];
        for (const wake of waiters) wake();
        this.pump(origin);
      });
    }
  }
}
