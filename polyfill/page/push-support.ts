import { PageError } from './page-errors.js';

/** Where the page subscribes: natively on `window.navigator.pushManager`, or through the polyfill's service worker. */
export type PushMode = 'native' | 'polyfill';

export interface PushTarget {
  mode: PushMode;
  pushManager: PushManager;
}

type NavigatorWithPush = Navigator & { pushManager: PushManager };

/**
 * Browsers with declarative push expose `navigator.pushManager`: a subscription without a service
 * worker, whose declarative messages the browser shows itself (spec-notes.md#page-helper).
 */
export function hasNativePush(): boolean {
  return 'pushManager' in navigator;
}

/** Throws `unsupported`, saying why, where this page cannot subscribe the way asked. */
export function assertSupported(useServiceWorker: boolean): void {
  const why = !globalThis.isSecureContext
    ? 'the page is not a secure context (serve it over https or from localhost)'
    : !('Notification' in globalThis)
      ? 'no Notifications API'
      : hasNativePush() && !useServiceWorker
        ? undefined
        : !('serviceWorker' in navigator)
          ? 'no service workers (a private window, or an old browser)'
          : !('PushManager' in globalThis)
            ? 'no Push API'
            : undefined;
  if (why) throw new PageError('unsupported', { detail: why });
}

/** The push manager to subscribe with; in the polyfill path, registers `swUrl` and waits until it is active. */
export async function pushTargetForSubscribe(swUrl: string, scope: string | undefined, useServiceWorker: boolean): Promise<PushTarget> {
  if (hasNativePush() && !useServiceWorker) return { mode: 'native', pushManager: (navigator as NavigatorWithPush).pushManager };
  let registration: ServiceWorkerRegistration;
  try {
    registration = await navigator.serviceWorker.register(swUrl, scope === undefined ? undefined : { scope });
  } catch (cause) {
    throw new PageError('service-worker-failed', { detail: `${swUrl}: ${String(cause)}`, cause });
  }
  await activated(registration);
  return { mode: 'polyfill', pushManager: registration.pushManager };
}

/** The push managers an existing subscription may live in: the native one first, then the service worker's. */
export async function existingPushTargets(scope: string | undefined): Promise<PushTarget[]> {
  const targets: PushTarget[] = [];
  if (hasNativePush()) targets.push({ mode: 'native', pushManager: (navigator as NavigatorWithPush).pushManager });
  const registration = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration(scope) : undefined;
  if (registration) targets.push({ mode: 'polyfill', pushManager: registration.pushManager });
  return targets;
}

/** `pushManager.subscribe` needs an active worker: a fresh registration may still be installing. */
function activated(registration: ServiceWorkerRegistration): Promise<void> {
  if (registration.active) return Promise.resolve();
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.reject(new PageError('service-worker-failed', { detail: 'the registration has no worker' }));
  return new Promise((resolve, reject) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve();
      if (worker.state === 'redundant') reject(new PageError('service-worker-failed', { detail: 'the worker failed to install' }));
    });
  });
}
