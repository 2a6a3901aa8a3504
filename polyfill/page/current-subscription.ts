import { existingPushTargets, type PushMode } from './push-support.js';

export interface CurrentSubscription {
  mode: PushMode;
  subscription: PushSubscription;
}

/** This browser's push subscription for the page (native, or in the service worker registered for `scope`), or null. */
export async function currentSubscription(options: { scope?: string } = {}): Promise<CurrentSubscription | null> {
  if (!globalThis.isSecureContext) return null;
  for (const target of await existingPushTargets(options.scope)) {
    const subscription = await target.pushManager.getSubscription();
    if (subscription) return { mode: target.mode, subscription };
  }
  return null;
}
