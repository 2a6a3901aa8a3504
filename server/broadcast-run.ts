import { deliveryWork, type Attempt } from './attempt-delivery.js';
import type { BroadcastEngineOptions } from './broadcast-engine.js';
import { DEFAULT_CONCURRENCY, laneCapacity, OriginLanes } from './origin-lanes.js';
import type { PushRequest } from './push-request.js';
import type { BuildContext } from './request-builder.js';
import { isRetryable, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import type { BroadcastProblem, DeliveryOutcome, PendingDelivery } from './store/sqlite-store.js';

const PAGE_SIZE = 512;
/** Outcomes are committed in batches of this many, or this soon after the answer (spec-notes.md#push-server, crash safety). */
const FLUSH_EVERY = 256;
const FLUSH_AFTER_MS = 5;

/** One broadcast's fan-out: paging, lanes, outcome batching and the VAPID 403 watch. */
export class BroadcastRun {
  private readonly lanes: OriginLanes<PendingDelivery, PushRequest>;
  /** Deliveries queued, in flight, or answered but not yet committed. */
  private readonly inFlight = new Set<number>();
  private outcomes: DeliveryOutcome[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly answers = new Map<string, { total: number; forbidden: number }>();
  private readonly problems = new Map<string, BroadcastProblem>();
  /** Cancelled or expired (or the engine stops): nothing queued here leaves any more. */
  halted = false;

  constructor(
    private readonly id: string,
    private readonly options: BroadcastEngineOptions,
    private readonly retry: RetryPolicy,
    private readonly context: BuildContext,
    private readonly log: (line: string) => void,
    private readonly stopped: () => boolean,
  ) {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.lanes = new OriginLanes(deliveryWork(this.context, this.options, (item, attempt) => this.answered(item, attempt)),
      { ceiling: concurrency, capacity: laneCapacity(concurrency) });
  }

  /**
   * Sends every delivery due now, then waits for all answers and records them. When an origin's
   * queue is full, the scan waits for it only while that push service answers; one that does not
   * (hanging) is skipped and the scan goes on, so deliveries to other push services are not held
   * behind it. Skipped deliveries are picked up by another scan once their origin has room.
   */
  async pass(): Promise<void> {
    for (let from = 0; from >= 0 && !this.ended();) {
      const skipped = await this.scan(from);
      from = skipped.from;
      if (from >= 0) await Promise.race([...skipped.origins].map((origin) => this.lanes.room(origin)));
    }
    await this.lanes.drain();
    this.flush();
  }

  /** Stops starting requests; those in flight finish and are recorded (the rest stays due in the store). */
  halt(): void {
    this.halted = true;
    this.lanes.stop();
  }

  private ended(): boolean {
    return this.halted || this.stopped();
  }

  /** One scan from `from`: where the first skipped delivery was (-1 if none) and the origins skipped. */
  private async scan(from: number): Promise<{ from: number; origins: Set<string> }> {
    const origins = new Set<string>();
    let firstSkipped = -1;
    let cursor = from;
    for (;;) {
      const page = this.options.store.pendingDeliveries(this.id, Date.now(), cursor, PAGE_SIZE);
      if (page.length === 0) break;
      for (const item of page) {
        if (this.ended()) return { from: -1, origins };
        const previous = cursor;
        cursor = item.id;
        if (this.inFlight.has(item.id)) continue;
        if (item.endpoint === null) {
          this.inFlight.add(item.id);
          this.record({ subscriptionId: item.id, state: 'gone', attempts: item.attempts, nextAttemptAt: 0, lastStatus: null, lastError: null });
          continue;
        }
        if (!origins.has(item.origin)) {
          this.inFlight.add(item.id);
          let queued = this.lanes.offer(item.origin, item);
          while (!queued && this.lanes.flowing(item.origin) && !this.ended()) {
            await this.lanes.room(item.origin);
            queued = this.lanes.offer(item.origin, item);
          }
          if (queued) continue;
          this.inFlight.delete(item.id);
          origins.add(item.origin);
        }
        if (firstSkipped < 0) firstSkipped = previous;
      }
    }
    return { from: firstSkipped, origins };
  }

  private answered(item: PendingDelivery, attempt: Attempt): void {
    if (attempt.status === null && attempt.code === 'internal-error') {
      this.log(`broadcast ${this.id}: BUG while delivering to subscription ${item.id}: ${attempt.message} (recorded as failed, not retried)`);
    }
    this.watchForbidden(item.origin, attempt.status);
    const outcome = this.outcome(item.id, item.attempts + 1, attempt);
    if (outcome.state === 'pending') this.options.metrics?.retry(item.origin);
    else this.options.metrics?.delivery(item.origin, outcome.state);
    this.record(outcome);
  }

  private outcome(subscriptionId: number, attempts: number, attempt: Attempt): DeliveryOutcome {
    const { status } = attempt;
    const base = { subscriptionId, attempts, nextAttemptAt: 0, lastStatus: status, lastError: status === null ? attempt.code : null };
    // Cut off by shutdown (spec-notes.md#push-server, shutdown): not the push service's failure; sent again at the next start.
    if (status === null && this.stopped()) return { ...base, lastError: 'shutting-down', state: 'pending' };
    if (status === null && !attempt.retryable) return { ...base, state: 'failed' };
    if (status !== null && status >= 200 && status < 300) return { ...base, state: 'sent' };
    if (status === 404 || status === 410) return { ...base, state: 'gone' };
    if (isRetryable(status) && attempts < this.retry.maxAttempts) {
      const delay = retryDelayMs(this.retry, attempts, 'retryAfter' in attempt ? attempt.retryAfter : null);
      if (delay !== null) return { ...base, state: 'pending', nextAttemptAt: Date.now() + delay };
    }
    return { ...base, state: 'failed' };
  }

  /** Many 403s from one push service mean our VAPID keys are not the ones the subscriptions were made with. */
  private watchForbidden(origin: string, status: number | null): void {
    if (status === null) return;
    const count = this.answers.get(origin) ?? { total: 0, forbidden: 0 };
    count.total++;
    if (status === 403) count.forbidden++;
    this.answers.set(origin, count);
    const threshold = this.options.vapidProblemThreshold ?? 5;
    if (status !== 403 || count.forbidden < threshold || count.forbidden * 2 < count.total) return;
    if (!this.problems.has(origin)) {
      this.log(`broadcast ${this.id}: ${origin} refused ${count.forbidden} requests with 403: the VAPID keys do not seem to be those the subscriptions were made with; subscriptions kept`);
    }
    this.problems.set(origin, { code: 'vapid-rejected', origin, count: count.forbidden });
  }

  private record(outcome: DeliveryOutcome): void {
    this.outcomes.push(outcome);
    if (this.outcomes.length >= FLUSH_EVERY) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const { store } = this.options;
    if (this.outcomes.length > 0) store.recordOutcomes(this.id, this.outcomes);
    // Until its outcome is committed a delivery still reads as due: a rescan must not send it again.
    for (const outcome of this.outcomes) this.inFlight.delete(outcome.subscriptionId);
    this.outcomes = [];
    if (this.problems.size > 0) store.setBroadcastProblems(this.id, [...this.problems.values()]);
  }
}
