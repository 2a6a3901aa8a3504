import type { BroadcastProblem } from './store/store.js';

/**
 * Many 403s from one push service mean our VAPID keys are not the ones the subscriptions were made
 * with. Counts one broadcast's answers per origin in this process.
 */
export class VapidProblemWatch {
  private readonly answers = new Map<string, { total: number; forbidden: number }>();
  private readonly problems = new Map<string, BroadcastProblem>();

  constructor(private readonly threshold: number) {}

  /** Counts an answer; returns the problem when this answer newly makes the origin one. */
  count(origin: string, status: number | null): BroadcastProblem | null {
    if (status === null) return null;
    const count = this.answers.get(origin) ?? { total: 0, forbidden: 0 };
    count.total++;
    if (status === 403) count.forbidden++;
    this.answers.set(origin, count);
    if (status !== 403 || count.forbidden < this.threshold || count.forbidden * 2 < count.total) return null;
    const isNew = !this.problems.has(origin);
    const problem: BroadcastProblem = { code: 'vapid-rejected', origin, count: count.forbidden };
    this.problems.set(origin, problem);
    return isNew ? problem : null;
  }

  list(): BroadcastProblem[] {
    return [...this.problems.values()];
  }
}
