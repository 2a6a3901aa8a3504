import type { BroadcastSummary, Broadcast, PushServiceCounts } from './store/store.js';

/**
 * A broadcast as the admin API shows it: status and counters; the target (`users`/`channels`, or
 * `everyone`); times in RFC 3339; with its details (problems, failures by last reason, the error that failed it, counts per
 * push service) when given the whole broadcast.
 */
export function broadcastView(b: BroadcastSummary | Broadcast, pushServices?: PushServiceCounts): Record<string, unknown> {
  const { id, status, total, sent, failed, gone, unsent, pending, ttl } = b;
  return {
    id, status, total, sent, failed, gone, unsent, pending, ttl,
    target: b.target ?? 'everyone',
    createdAt: new Date(b.createdAt).toISOString(),
    ...(b.sendAt !== null ? { sendAt: new Date(b.sendAt).toISOString() } : {}),
    ...(b.finishedAt !== null ? { finishedAt: new Date(b.finishedAt).toISOString() } : {}),
    ...(b.title !== null ? { title: b.title } : {}),
    ...('problems' in b ? { problems: b.problems, failures: b.failures, ...(b.error ? { error: b.error } : {}) } : {}),
    ...(pushServices ? { pushServices } : {}),
  };
}
