import { deliveryWork, type Attempt, type DeliveryDeps } from './attempt-delivery.js';
import { DEFAULT_CONCURRENCY, laneCapacity, OriginLanes, type LaneWork } from './origin-lanes.js';
import type { PushRequest } from './push-request.js';
import type { BuildContext } from './request-builder.js';
import type { PendingDelivery } from './store/store.js';

export type OnAttempt = (recipient: PendingDelivery, attempt: Attempt) => void;

/**
 * The seam between the engine (which deliveries, recorded how) and the sending pipeline below it
 * (lanes, connections, encryption): send one message to these recipients, report each answer as it
 * arrives, resolve once every one sent is answered. The engine runs several batches at once; they
 * share the process's lanes, so the limits per push service hold for the process.
 */
export interface BatchSender {
  /**
   * Resolves with the recipients not sent: those whose push service's queue is full and not
   * answering (a hanging service holds no batch up; the engine tries them later), and, once
   * `signal` aborts, those not started yet.
   */
  send(recipients: readonly PendingDelivery[], context: BuildContext, onAttempt: OnAttempt, signal?: AbortSignal): Promise<PendingDelivery[]>;
  /** Starts nothing more; resolves once the requests in flight are answered. */
  stop(): Promise<void>;
}

interface Job {
  recipient: PendingDelivery;
  work: LaneWork<PendingDelivery, PushRequest>;
  signal: AbortSignal | undefined;
  /** Called once for a job dropped before it was sent (its answer, if any, is reported through `work`). */
  settle(): void;
}

/** The default pipeline: the per-origin lanes (origin-lanes.ts) over `deliveryWork`. */
export function createBatchSender(deps: DeliveryDeps, concurrency = DEFAULT_CONCURRENCY): BatchSender {
  const lanes = new OriginLanes<Job, PushRequest>({
    async prepare(job) {
      if (job.signal?.aborted) {
        job.settle();
        return null;
      }
      return job.work.prepare(job.recipient);
    },
    // Encrypted ahead but not sent when its batch was stopped (a cancelled broadcast): it stays unsent.
    send: (job, request) => {
      if (!job.signal?.aborted) return job.work.send(job.recipient, request);
      job.settle();
      return Promise.resolve({ latencyMs: null, congested: false });
    },
    defer: (job) => job.work.defer(job.recipient),
  }, { ceiling: concurrency, capacity: laneCapacity(concurrency) });
  let stopped = false;
  let onStop: () => void = () => {};
  const stopping = new Promise<void>((resolve) => { onStop = resolve; });

  return {
    async send(recipients, context, onAttempt, signal) {
      const answered = new Set<PendingDelivery>();
      let left = 0;
      let onSettled: () => void = () => {};
      const settled = new Promise<void>((resolve) => { onSettled = resolve; });
      const settle = () => {
        if (--left === 0) onSettled();
      };
      const work = deliveryWork<PendingDelivery>(context, deps, (recipient, attempt) => {
        answered.add(recipient);
        try {
          onAttempt(recipient, attempt);
        } finally {
          settle();
        }
      });
      // A lane that is full and not answering is skipped for this pass, so one hanging push service
      // does not hold up the batch's deliveries to the others (spec-notes.md#push-server, concurrency).
      const skipped = new Set<string>();
      for (const recipient of recipients) {
        if (stopped || signal?.aborted) break;
        if (skipped.has(recipient.origin)) continue;
        const job: Job = { recipient, work, signal, settle };
        left++;
        let queued = lanes.offer(recipient.origin, job);
        while (!queued && lanes.flowing(recipient.origin) && !stopped && !signal?.aborted) {
          await lanes.room(recipient.origin);
          queued = lanes.offer(recipient.origin, job);
        }
        if (queued) continue;
        left--;
        skipped.add(recipient.origin);
      }
      // After stop() the lanes drop what is queued without a word: only the requests in flight are waited for.
      if (left > 0) await Promise.race([settled, stopping.then(() => lanes.drain())]);
      return recipients.filter((r) => !answered.has(r));
    },
    async stop() {
      stopped = true;
      lanes.stop();
      onStop();
      await lanes.drain();
    },
  };
}
