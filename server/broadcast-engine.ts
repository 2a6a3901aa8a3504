import { OriginLanes } from './origin-lanes.js';
import { attemptDelivery, type Attempt } from './attempt-delivery.js';
import type { PushAgents } from './post-push-request.js';
import type { PushOriginGuard } from './push-origin-guard.js';
import type { RequestBuilder, BuildContext } from './request-builder.js';
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import type { BroadcastProblem, DeliveryOutcome, PendingDelivery, SqliteStore, UnsubscribedDelivery } from './store/sqlite-store.js';
import type { VapidAuthorizer } from './vapid-authorization.js';

export interface BroadcastEngineOptions {
  store: SqliteStore;
  authorize: VapidAuthorizer;
  guard: PushOriginGuard;
  agents: PushAgents;
  builder: RequestBuilder;
  /** Requests in flight per push-service origin. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** 403 answers from one origin, at least half of its answers, before the broadcast reports a VAPID problem. */
  vapidProblemThreshold?: number;
  log?: (line: string) => void;
}

type Item = PendingDelivery | UnsubscribedDelivery;

const PAGE_SIZE = 512;
const FLUSH_EVERY = 256;
const FLUSH_AFTER_MS = 5;

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

/** One broadcast's fan-out: paging, lanes, outcome batching and the VAPID 403 watch. */
class BroadcastRun {
  private readonly lanes: OriginLanes<Item>;
  private readonly inFlight = new Set<number>();
  private outcomes: DeliveryOutcome[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly answers = new Map<string, { total: number; forbidden: number }>();
  private readonly problems = new Map<string, BroadcastProblem>();

  constructor(
    private readonly id: string,
    private readonly options: BroadcastEngineOptions,
    private readonly retry: RetryPolicy,
    private readonly context: BuildContext,
    private readonly log: (line: string) => void,
    private readonly stopped: () => boolean,
  ) {
    const concurrency = options.concurrency ?? 64;
    this.lanes = new OriginLanes((item) => this.deliver(item), concurrency, Math.max(PAGE_SIZE * 2, concurrency * 4));
  }

  /** Sends every delivery due now, then waits for all answers and records them. */
  async pass(): Promise<void> {
    let cursor = 0;
    for (;;) {
      const page = this.options.store.pendingDeliveries(this.id, Date.now(), cursor, PAGE_SIZE);
      if (page.length === 0 || this.stopped()) break;
      for (const item of page) {
        if (this.stopped()) break;
        cursor = item.id;
        if (this.inFlight.has(item.id)) continue;
        this.inFlight.add(item.id);
        await this.lanes.push(item.endpoint === null ? '' : item.origin, item);
      }
    }
    await this.lanes.drain();
    this.flush();
  }

  private async deliver(item: Item): Promise<void> {
    if (item.endpoint === null) {
      return this.record({ subscriptionId: item.id, state: 'gone', attempts: item.attempts, nextAttemptAt: 0, lastStatus: null });
    }
    const attempt = await attemptDelivery(item, this.context, this.options);
    this.watchForbidden(item.origin, attempt.status);
    this.record(this.outcome(item.id, item.attempts + 1, attempt));
  }

  private outcome(subscriptionId: number, attempts: number, attempt: Attempt): DeliveryOutcome {
    const { status } = attempt;
    const base = { subscriptionId, attempts, nextAttemptAt: 0, lastStatus: status };
    if (status === null && !attempt.retryable) return { ...base, state: 'failed' };
    if (status !== null && status >= 200 && status < 300) return { ...base, state: 'sent' };
    if (status === 404 || status === 410) return { ...base, state: 'gone' };
    if (isRetryable(status) && attempts < this.retry.maxAttempts) {
      const retryAfter = 'retryAfter' in attempt ? attempt.retryAfter : null;
      return { ...base, state: 'pending', nextAttemptAt: Date.now() + retryDelayMs(this.retry, attempts, retryAfter) };
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
    this.inFlight.delete(outcome.subscriptionId);
    if (this.outcomes.length >= FLUSH_EVERY) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const { store } = this.options;
    if (this.outcomes.length > 0) store.recordOutcomes(this.id, this.outcomes);
    this.outcomes = [];
    if (this.problems.size > 0) store.setBroadcastProblems(this.id, [...this.problems.values()]);
  }
}
