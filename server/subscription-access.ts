import type { GrantClaims } from './grant.js';
import { PushError } from './push-error.js';

/**
 * What a subscription may join (spec-notes.md#grants): with a grant, its user and the channels it
 * names; with or without one, the public channels. Channels not asked for default to the grant's.
 * Throws `channel-not-allowed` naming the first channel outside that.
 */
export function subscriptionAccess(
  grant: GrantClaims | null,
  requested: string[] | undefined,
  publicChannels: ReadonlySet<string>,
): { user: string | null; channels: string[] } {
  const granted = new Set(grant?.channels ?? []);
  const channels = requested ?? [...granted];
  const refused = channels.find((channel) => !granted.has(channel) && !publicChannels.has(channel));
  if (refused !== undefined) {
    throw new PushError('channel-not-allowed', `channel "${refused}" is not public${grant ? ' and this grant does not name it' : ': joining it needs a grant from the site'}`, { channel: refused });
  }
  return { user: grant?.user ?? null, channels };
}
