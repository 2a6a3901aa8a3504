import { attemptDelivery, type Attempt, type DeliveryDeps } from './attempt-delivery.js';
import { OriginLanes } from './origin-lanes.js';
import type { BuildContext } from './request-builder.js';
import type { PendingDelivery } from './store/store.js';

/**
 * The seam between the engine (which deliveries, recorded how) and the sending pipeline below it
 * (lanes, connections, encryption): send one message to these recipients, report each answer as it
 * arrives, resolve once every one is answered. The engine runs several batches at once; they share
 * the process's lanes, so the limit per push service holds for the process.
 */
export interface BatchSender {
  /** Once `signal` aborts, recipients not yet started are skipped (not reported); those in flight still are. */
  send(recipients: readonly PendingDelivery[], context: BuildContext, onAttempt: OnAttempt, signal?: AbortSignal): Promise<void>;
}

export type OnAttempt = (recipient: PendingDelivery, attempt: Attempt) => void;

interface Job {
  recipient: PendingDelivery;
  context: BuildContext;
  signal: AbortSignal | undefined;
  /** The answer, or null when skipped. */
  settle: (attempt: Attempt | null) => void;
}

/** The default pipeline: per-origin lanes over `attemptDelivery` (never throws). */
export function createBatchSender(deps: DeliveryDeps, concurrency: number): BatchSender {
  const lanes = new OriginLanes<Job>(async (job) => {
    job.settle(job.signal?.aborted ? null : await attemptDelivery(job.recipient, job.context, deps));
  }, concurrency, concurrency * 8);
  return {
    async send(recipients, context, onAttempt, signal) {
      let left = recipients.length;
      let settled: () => void = () => {};
      const done = new Promise<void>((resolve) => { settled = resolve; });
      for (const recipient of recipients) {
        const settle = (attempt: Attempt | null) => {
          try {
            if (attempt) onAttempt(recipient, attempt);
          } finally {
            if (--left === 0) settled();
          }
        };
        await lanes.push(recipient.origin, { recipient, context, signal, settle });
      }
      if (left > 0) await done;
    },
  };
}
