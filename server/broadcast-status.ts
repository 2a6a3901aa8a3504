/**
 * `scheduled` until its `send_at`; `queued`, `running`; then final: `done`, `failed`, `cancelled`
 * (`DELETE /api/notifications/:id`) or `expired` (its TTL ran out before every delivery was made).
 * Apart from any store, so the engine can read it without loading a database driver.
 */
export type BroadcastStatus = 'scheduled' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'expired';
export const FINAL_STATUSES: readonly BroadcastStatus[] = ['done', 'failed', 'cancelled', 'expired'];
