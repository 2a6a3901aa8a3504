import { attemptDelivery, type Attempt, type DeliveryDeps } from './attempt-delivery.js';
import { OriginLanes } from './origin-lanes.js';
import type { PushSubscriptionJSON } from './push-request.js';
import type { BuildContext } from './request-builder.js';

export interface SendToManyOptions extends DeliveryDeps {
  /** Requests in flight per push-service origin. */
  concurrency?: number;
  onResult?: (subscription: PushSubscriptionJSON, attempt: Attempt) => void;
}

/**
 * One message to many subscriptions, once each, without a database: the broadcast engine's
 * fan-out for callers who keep their own state. Subscriptions are pulled from the iterable as
 * lanes free up, so an iterable that streams keeps memory flat.
 */
export async function sendToMany(subscriptions: Iterable<PushSubscriptionJSON>, context: BuildContext, options: SendToManyOptions): Promise<void> {
  const concurrency = options.concurrency ?? 64;
  const lanes = new OriginLanes<PushSubscriptionJSON>(async (subscription) => {
    const attempt = await attemptDelivery(subscription, context, options);
    options.onResult?.(subscription, attempt);
  }, concurrency, concurrency * 4);
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
