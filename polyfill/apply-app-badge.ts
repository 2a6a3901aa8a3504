import { originals } from './site-calls.js';

/**
 * Applies a message's `app_badge` with `setAppBadge(n)`, where 0 clears (Badging API). Skipped
 * where the Badging API is missing (Firefox) or n is over 2^53 - 1, which `[EnforceRange]`
 * rejects. Never rejects.
 */
export async function applyAppBadge(appBadge: number | null): Promise<void> {
  if (appBadge === null || appBadge > Number.MAX_SAFE_INTEGER || !originals.setAppBadge) return;
  try {
    await originals.setAppBadge(appBadge);
  } catch {
    // A badge is a hint: a browser that refuses one must not cost the notification.
  }
}
