import { currentSubscription } from './current-subscription.js';
import { PageError } from './page-errors.js';
import { callServer } from './server-request.js';

export interface UnsubscribeOptions {
  serverUrl: string;
  /** The scope the polyfill's service worker was registered with (see `subscribe`). */
  scope?: string;
}

/**
 * Deletes this browser's subscription on the server, then in the browser. Resolves to the endpoint
 * removed, or null when there was none. The server goes first: when it is down (`server-unreachable`)
 * or refuses (`server-error`), the browser keeps its subscription so a retry finds it again.
 */
export async function unsubscribe(options: UnsubscribeOptions): Promise<{ endpoint: string | null }> {
  const current = await currentSubscription(options);
  if (!current) return { endpoint: null };
  const { endpoint } = current.subscription;
  try {
    await callServer(options.serverUrl, '/api/subscriptions', { method: 'DELETE', body: { endpoint } });
  } catch (error) {
    // 404: that server has already forgotten it, which is what we want (dwpush serve answers 204 then).
    if (!(error instanceof PageError && error.status === 404)) throw error;
  }
  await current.subscription.unsubscribe();
  return { endpoint };
}
