import type { DeclarativeNotification } from '../src/declarative-message.js';
import { originals } from './site-calls.js';

/** Shows the notification a declarative message describes, with every option; never rejects. */
export async function showOriginal({ title, options }: DeclarativeNotification): Promise<void> {
  try {
    await originals.showNotification(title, options);
  } catch {
    // Permission revoked or the like: nothing to fall back to, and a handler must not throw.
  }
}
