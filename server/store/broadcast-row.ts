import type { Broadcast, BroadcastProblem, BroadcastStatus, BroadcastSummary, BroadcastTarget, FailureReason } from './store.js';

/** A broadcast row as the drivers read it (counters summed over its batches; numbers may come as strings or bigints). */
export interface BroadcastRow extends SummaryRow {
  payload: Uint8Array; urgency: string | null; topic: string | null;
  /** JSON text (SQLite) or the parsed value (PostgreSQL jsonb). */
  problems: string | BroadcastProblem[];
  error: string | null;
}

/** What a listing reads of a broadcast (target: JSON text, or the parsed value). */
export interface SummaryRow {
  id: string; channel: string | null; target: string | BroadcastTarget | null; ttl: number | string; status: BroadcastStatus;
  created_at: number | string; send_at: number | string | null; finished_at: number | string | null; title: string | null;
  total: number | string; sent: number | string; failed: number | string; gone: number | string; unsent: number | string;
}

export function toSummary(row: SummaryRow): BroadcastSummary {
  const [total, sent, failed, gone, unsent] = [row.total, row.sent, row.failed, row.gone, row.unsent].map(Number) as [number, number, number, number, number];
  return {
    id: row.id, status: row.status, target: toTarget(row), ttl: Number(row.ttl), createdAt: Number(row.created_at),
    sendAt: row.send_at === null ? null : Number(row.send_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at), title: row.title,
    total, sent, failed, gone, unsent, pending: total - sent - failed - gone - unsent,
  };
}

export function toTarget(row: Pick<SummaryRow, 'target' | 'channel'>): BroadcastTarget | null {
  if (row.target !== null) return typeof row.target === 'string' ? JSON.parse(row.target) as BroadcastTarget : row.target;
  // Rows from before targets: one channel, or everyone.
  return row.channel === null ? null : { users: [], channels: [row.channel] };
}

export function toBroadcast(row: BroadcastRow, failures: FailureReason[]): Broadcast {
  return {
    ...toSummary(row), payload: new Uint8Array(row.payload),
    ...(row.urgency ? { urgency: row.urgency as Broadcast['urgency'] } : {}),
    ...(row.topic ? { topic: row.topic } : {}),
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
