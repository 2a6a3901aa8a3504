// A broadcast's status (server/store/sqlite-store.ts, BroadcastStatus): `scheduled`, `queued` and
// `running` change on their own; `done`, `failed`, `cancelled` and `expired` are final.

export const UNFINISHED = new Set(['scheduled', 'queued', 'running']);

export const isFinal = (status) => !UNFINISHED.has(status);
