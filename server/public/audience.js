// Audiences at a glance: how many subscribers there are in all and per channel (`GET /api/channels`,
// counts only, never endpoints), and why a broadcast would reach nobody, said before it is sent.
import { el } from './dom.js';

const SHOWN_CHANNELS = 12;

/** How many subscribers a broadcast to `channel` ("" = everyone) would reach now. */
export function audienceSize(counts, channel) {
  if (!channel) return counts.total;
  return counts.channels.find((c) => c.channel === channel)?.subscribers ?? 0;
}

/** The counts in words: the total, the signed-in users, and the largest channels. */
export function renderAudience(node, counts) {
  const channels = [...counts.channels].sort((a, b) => b.subscribers - a.subscribers || a.channel.localeCompare(b.channel));
  const rest = channels.length - SHOWN_CHANNELS;
  node.replaceChildren(
    el('span', {}, [el('strong', {}, String(counts.total)), ` subscriber${counts.total === 1 ? '' : 's'} in all`]),
    counts.users !== undefined ? el('span', {}, [el('strong', {}, String(counts.users)), ` signed-in user${counts.users === 1 ? '' : 's'}`]) : [],
    ...channels.slice(0, SHOWN_CHANNELS).map((c) => el('span', { className: 'channel-count' }, [el('code', {}, c.channel), ' ', el('strong', {}, String(c.subscribers))])),
    rest > 0 ? el('span', {}, `and ${rest} more channel${rest === 1 ? '' : 's'}`) : [],
  );
}

/** Why a broadcast to `channel` ("" = everyone) would reach nobody, or null when it reaches someone. */
export function zeroAudienceHint(counts, channel) {
  if (audienceSize(counts, channel) > 0) return null;
  if (!channel) return 'No browser has subscribed yet: a broadcast now would reach nobody. Subscribe one first (step 1).';
  const others = counts.channels.filter((c) => c.subscribers > 0).slice(0, 3).map((c) => c.channel);
  return [
    `Nobody is in channel “${channel}”: this broadcast would reach nobody.`,
    others.length ? `Channels with subscribers: ${others.join(', ')}.` : null,
    counts.total > 0 ? `Empty the field to reach all ${counts.total}.` : null,
  ].filter(Boolean).join(' ');
}
