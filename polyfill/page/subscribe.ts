import { PageError } from './page-errors.js';
import { assertSupported, pushTargetForSubscribe, type PushMode } from './push-support.js';
import { requestPermission } from './request-permission.js';
import { callServer } from './server-request.js';
import { decodeVapidKey, sameKey } from './vapid-key.js';

export interface SubscribeOptions {
  /** The `dwpush serve` origin (and path prefix, if any); "" for the page's own origin. */
  serverUrl: string;
  /**
   * Channels to join on the server: public ones, or ones the grant names. Omitted: the grant's
   * channels, or none.
   */
  channels?: string[];
  /**
   * A grant from the site's backend (minted at login, `POST /api/grants` or `mintGrant`): links this
   * browser to the grant's user and lets it join the grant's channels.
   */
  grant?: string;
  /** The service worker that loads the polyfill (only where push is not native). */
  swUrl?: string;
  /** Its registration scope; the browser's default (the script's folder) when omitted. */
  scope?: string;
  /**
   * Subscribe through the service worker even where push is native. A native subscription has no
   * service worker, so the browser drops pushes that are not declarative: a site that also sends
   * legacy pushes wants this (spec-notes.md#page-helper).
   */
  useServiceWorker?: boolean;
}

export interface SubscribeResult {
  mode: PushMode;
  subscription: PushSubscriptionJSON;
}

/**
 * Subscribes this browser and registers the subscription with the server. Call it from a user
 * gesture (a click handler): it asks for notification permission. Throws a `PageError`:
 * `unsupported`, `permission-denied`, `service-worker-failed`, `subscribe-failed`,
 * `server-unreachable` or `server-error` (a refused grant: `serverCode` `grant-expired`,
 * `grant-invalid` or `channel-not-allowed`, status 403).
 */
export async function subscribe(options: SubscribeOptions): Promise<SubscribeResult> {
  const useServiceWorker = options.useServiceWorker ?? false;
  assertSupported(useServiceWorker);
  // The prompt is asked for before any await, so it stays inside the user gesture; the key is
  // fetched meanwhile (spec-notes.md#page-helper).
  const permission = requestPermission();
  const key = fetchVapidKey(options.serverUrl);
  key.catch(() => {}); // reported below, after the permission answer
  await permission;
  const applicationServerKey = await key;

  const target = await pushTargetForSubscribe(options.swUrl ?? '/sw.js', options.scope, useServiceWorker);
  const subscription = (await pushSubscription(target.pushManager, applicationServerKey)).toJSON();
  const body = {
    subscription,
    ...(options.channels === undefined ? {} : { channels: options.channels }),
    ...(options.grant === undefined ? {} : { grant: options.grant }),
  };
  await callServer(options.serverUrl, '/api/subscriptions', { body });
  return { mode: target.mode, subscription };
}

async function fetchVapidKey(serverUrl: string): Promise<Uint8Array<ArrayBuffer>> {
  const answer = await callServer<{ publicKey?: unknown } | undefined>(serverUrl, '/api/vapid-public-key');
  if (typeof answer?.publicKey !== 'string') throw new PageError('server-error', { detail: 'the answer has no publicKey' });
  const key = decodeVapidKey(answer.publicKey);
  if (key === null) throw new PageError('server-error', { detail: 'the publicKey is not base64url' });
  return key;
}

/** Reuses a subscription made with the same key; one made with another key must go first (subscribe would throw). */
async function pushSubscription(pushManager: PushManager, key: Uint8Array<ArrayBuffer>): Promise<PushSubscription> {
  const existing = await pushManager.getSubscription();
  if (existing && sameKey(existing.options.applicationServerKey, key)) return existing;
  if (existing) await existing.unsubscribe();
  try {
    return await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  } catch (cause) {
    if ((cause as { name?: unknown })?.name === 'NotAllowedError') throw new PageError('permission-denied', { cause });
    throw new PageError('subscribe-failed', { detail: String(cause), cause });
  }
}
