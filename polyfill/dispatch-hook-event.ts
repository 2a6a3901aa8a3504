declare let self: ServiceWorkerGlobalScope;

/**
 * Dispatches a script-made event of `type` at the service-worker global, so the site's own
 * listeners run, with `members` as read-only properties. A script-made ExtendableEvent refuses
 * `waitUntil` (it is untrusted), so `waitUntil` here collects the promises into `extended`.
 * Listener exceptions are reported by the browser, not thrown here; never throws.
 */
export function dispatchHookEvent(type: string, members: Record<string, unknown>, extended: Promise<unknown>[]): void {
  try {
    const event = new ExtendableEvent(type);
    for (const name in members) Object.defineProperty(event, name, { value: members[name] });
    Object.defineProperty(event, 'waitUntil', { value: (promise: unknown) => void extended.push(Promise.resolve(promise)) });
    self.dispatchEvent(event);
  } catch {
    // The original is shown when nothing replaced it: a failed dispatch loses nothing.
  }
}
