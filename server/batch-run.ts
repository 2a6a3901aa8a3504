import type { Attempt } from './attempt-delivery.js';
import type { BroadcastEngine, BroadcastInProcess } from './broadcast-engine.js';
import { deliveryOutcome } from './delivery-outcome.js';
import { BATCH_SIZE, type BatchRef, type DeliveryOutcome, type PendingDelivery } from './store/store.js';
import { VapidProblemWatch } from './vapid-problem-watch.js';

/** Outcomes are committed in groups of this many, or this soon after the answer (spec-notes.md#push-server, crash safety). */
const FLUSH_EVERY = 128;
const FLUSH_AFTER_MS = 5;
/** When a delivery skipped for a backed-up push service is due again. */
const SKIPPED_RETRY_MS = 1000;

/**
 * One pass over one batch: claim it, send what is due, record each outcome as it arrives, give it
 * back. A store failure that outlasts the retries fails the broadcast with the reason; the
 * deliveries still in flight are waited for (never abandoned mid-request).
 */
export async function runBatch(engine: BroadcastEngine, ref: BatchRef): Promise<void> {
  const { store } = engine;
  if (!await engine.call(() => store.claimBatch(ref, engine.owner, engine.leaseMs))) return;
  const lease = new AbortController();
  // Renewed while the batch runs; a lost lease (this process stalled past it and another took the batch) stops the sending.
  const renew = setInterval(() => {
    void store.claimBatch(ref, engine.owner, engine.leaseMs).then((held) => { if (!held) lease.abort(); }, () => {});
  }, engine.leaseMs / 3);
  try {
    const broadcast = await load(engine, ref.broadcastId);
    if (!broadcast) return;
    if (await engine.expireIfLate(ref.broadcastId, broadcast.deadline, Date.now())) return;
    const stop = AbortSignal.any([lease.signal, engine.abort.signal, broadcast.halt.signal]);
    const recorder = new OutcomeRecorder(engine, ref);
    const due = await engine.call(() => store.dueDeliveries(ref, 0, BATCH_SIZE));
    const recipients: PendingDelivery[] = [];
    for (const item of due) {
      // Unsubscribed after the broadcast was created: nothing to send.
      if (item.endpoint === null) recorder.add({ subscriptionId: item.id, state: 'gone', attempts: item.attempts, retryInMs: 0, lastStatus: null, lastError: null });
      else recipients.push(item);
    }
    const unsent = await engine.sender.send(recipients, broadcast.context, (recipient: PendingDelivery, attempt: Attempt) => {
      if (attempt.status === null && attempt.code === 'internal-error') {
        engine.log(`broadcast ${ref.broadcastId}: BUG while delivering to subscription ${recipient.id}: ${attempt.message} (recorded as failed, not retried)`);
      }
      const problem = broadcast.watch.count(recipient.origin, attempt.status);
      if (problem) {
        engine.log(`broadcast ${ref.broadcastId}: ${problem.origin} refused ${problem.count} requests with 403: the VAPID keys do not seem to be those the subscriptions were made with; subscriptions kept`);
      }
      const outcome = deliveryOutcome(recipient.id, recipient.attempts + 1, attempt, engine.retry, engine.stopping);
      if (outcome.state === 'pending') engine.options.metrics?.retry(recipient.origin);
      else engine.options.metrics?.delivery(recipient.origin, outcome.state);
      recorder.add(outcome);
    }, stop);
    // Skipped because their push service is backed up and silent: tried again shortly, the attempt not counted.
    if (!stop.aborted) for (const r of unsent) recorder.add({ subscriptionId: r.id, state: 'pending', attempts: r.attempts, retryInMs: SKIPPED_RETRY_MS, lastStatus: null, lastError: null });
    await recorder.close();
    const problems = broadcast.watch.list();
    if (problems.length > 0) await engine.call(() => store.addBroadcastProblems(ref.broadcastId, problems));
    if (lease.signal.aborted || broadcast.halt.signal.aborted) return;
    const dueInMs = await engine.call(() => store.releaseBatch(ref, engine.owner));
    // A retry due after the TTL ran out would be dropped by the push service anyway.
    if (dueInMs !== null && await engine.expireIfLate(ref.broadcastId, broadcast.deadline, Date.now() + dueInMs)) return;
    if (dueInMs !== null) await engine.scheduler.schedule(ref, dueInMs);
    else await engine.finish(ref.broadcastId);
  } catch (error) {
    const reason = `the store failed: ${(error as Error).message}`;
    engine.log(`broadcast ${ref.broadcastId} failed: ${reason}`);
    engine.broadcasts.delete(ref.broadcastId);
    await engine.call(() => store.failBroadcast(ref.broadcastId, reason));
  } finally {
    clearInterval(renew);
  }
}

async function load(engine: BroadcastEngine, id: string): Promise<BroadcastInProcess | undefined> {
  const known = engine.broadcasts.get(id);
  if (known) return known;
  const broadcast = await engine.call(() => engine.store.getBroadcast(id));
  if (!broadcast) return undefined;
  engine.log(`broadcast ${id}: ${broadcast.pending} of ${broadcast.total} deliveries to go`);
  const entry: BroadcastInProcess = {
    context: {
      payload: broadcast.payload,
      options: { ttl: broadcast.ttl, ...(broadcast.urgency ? { urgency: broadcast.urgency } : {}), ...(broadcast.topic ? { topic: broadcast.topic } : {}) },
    },
    watch: new VapidProblemWatch(engine.options.vapidProblemThreshold ?? 5),
    // TTL 0 means "now or never" to a push service, not to our queue: such broadcasts never expire here.
    deadline: broadcast.ttl === 0 ? null : (broadcast.sendAt ?? broadcast.createdAt) + broadcast.ttl * 1000,
    halt: new AbortController(),
  };
  engine.broadcasts.set(id, entry);
  return entry;
}

/** Groups outcomes into small transactions, one at a time, each within milliseconds of its answers. */
class OutcomeRecorder {
  private buffer: DeliveryOutcome[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(private readonly engine: BroadcastEngine, private readonly ref: BatchRef) {}

  add(outcome: DeliveryOutcome): void {
    this.buffer.push(outcome);
    if (this.buffer.length >= FLUSH_EVERY) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_AFTER_MS);
  }

  /** Writes what is left; throws when a write failed for good. */
  async close(): Promise<void> {
    this.flush();
    await this.writing;
    if (this.failure) throw this.failure;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const outcomes = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      if (this.failure) return;
      try {
        await this.engine.call(() => this.engine.store.recordOutcomes(this.ref, outcomes));
      } catch (error) {
        this.failure = error;
      }
    });
  }
}
