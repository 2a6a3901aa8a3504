import type { Broadcast, BroadcastProblem, BroadcastStatus, FailureReason } from './store.js';

/** A broadcast row as the drivers read it (counters summed over its batches; numbers may come as strings or bigints). */
export interface BroadcastRow {
  id: string; payload: Uint8Array; channel: string | null; ttl: number | string; urgency: string | null; topic: string | null;
  status: BroadcastStatus; total: number | string; sent: number | string; failed: number | string; gone: number | string;
  /** JSON text (SQLite) or the parsed value (PostgreSQL jsonb). */
  problems: string | BroadcastProblem[];
  error: string | null;
}

export function toBroadcast(row: BroadcastRow, failures: FailureReason[]): Broadcast {
  const [total, sent, failed, gone] = [row.total, row.sent, row.failed, row.gone].map(Number) as [number, number, number, number];
  return {
    id: row.id, payload: new Uint8Array(row.payload), channel: row.channel, ttl: Number(row.ttl),
    ...(row.urgency ? { urgency: row.urgency as Broadcast['urgency'] } : {}),
    ...(row.topic ? { topic: row.topic } : {}),
    status: row.status, total, sent, failed, gone, pending: total - sent - failed - gone,
    problems: typeof row.problems === 'string' ? JSON.parse(row.problems) as BroadcastProblem[] : row.problems,
    error: row.error, failures,
  };
}

/** Problems keyed by code and origin; the larger count wins (each process counts its own answers). */
export function mergeProblems(stored: readonly BroadcastProblem[], added: readonly BroadcastProblem[]): BroadcastProblem[] {
  const merged = new Map(stored.map((p) => [`${p.code} ${p.origin}`, p]));
  for (const p of added) {
    const key = `${p.code} ${p.origin}`;
    const before = merged.get(key);
    if (!before || before.count < p.count) merged.set(key, p);
  }
  return [...merged.values()];
}
