declare let self: ServiceWorkerGlobalScope;

/**
 * Where a click goes (Notifications standard, activate steps: "navigate an existing top-level
 * traversable" or "create a fresh" one, the choice left to us): focus a window already at the URL,
 * else open a new one; navigate one of the site's windows there first only when the site opted in,
 * since that can discard unsaved work (spec-notes.md#clicks). Never rejects.
 */
export async function openNotificationURL(url: string, navigateExisting: boolean): Promise<void> {
  try {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((window) => window.url === url);
    if (open) return void (await open.focus());
    // matchAll lists windows most recently focused first (Service Workers, Clients.matchAll()).
    for (const window of navigateExisting ? windows : []) {
      try {
        // navigate() refuses windows this worker does not control; null means it went cross-origin.
        const navigated = await window.navigate(url);
        await navigated?.focus();
        return;
      } catch {
        // try the next window
      }
    }
    await self.clients.openWindow(url);
  } catch {
    // Nothing left to try: a handler must not throw.
  }
}
