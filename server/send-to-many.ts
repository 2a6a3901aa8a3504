import { deliveryWork, type Attempt, type DeliveryDeps } from './attempt-delivery.js';
import { DEFAULT_CONCURRENCY, laneCapacity, OriginLanes } from './origin-lanes.js';
import type { PushSubscriptionJSON } from './push-request.js';
import type { BuildContext } from './request-builder.js';

export interface SendToManyOptions extends DeliveryDeps {
  /** Requests in flight per push-service origin, at most (the adaptive limit stays under it). */
  concurrency?: number;
  onResult?: (subscription: PushSubscriptionJSON, attempt: Attempt) => void;
}

/**
 * One message to many subscriptions, once each, without a database: the broadcast engine's
 * fan-out for callers who keep their own state. Subscriptions are pulled from the iterable as
 * lanes free up, so an iterable that streams keeps memory flat.
 */
export async function sendToMany(subscriptions: Iterable<PushSubscriptionJSON>, context: BuildContext, options: SendToManyOptions): Promise<void> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const lanes = new OriginLanes(deliveryWork(context, options, (subscription, attempt) => options.onResult?.(subscription, attempt)),
    { ceiling: concurrency, capacity: laneCapacity(concurrency) });
  for (const subscription of subscriptions) await lanes.push(originOf(subscription.endpoint), subscription);
  await lanes.drain();
}

function originOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin;
  } catch {
    return '';
  }
}
