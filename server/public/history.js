// The live broadcast history: `GET /api/notifications` newest first, each unfinished broadcast's
// detailed status (`GET /api/notifications/:id`: counts per push service, failure reasons) on
// every refresh, and refreshed every second while something is under way.
import { UNFINISHED } from './broadcast-status.js';

/**
 * `fetchPage({limit, before})` answers `{notifications, next?}`; `fetchDetail(id)` one broadcast's
 * status; `render(broadcasts, {more})` gets the entries newest first, each with its details merged
 * in. A finished broadcast's details are fetched until they settle, then never again.
 */
/**
 * Deliveries already on their way when a broadcast was cancelled (or expired) still finish and
 * are counted: a final broadcast's counts settle within the push-service timeout.
 */
const SETTLE_MS = 60_000;
const settled = (b) => !UNFINISHED.has(b.status) && !(Date.parse(b.finishedAt) > Date.now() - SETTLE_MS);

export function liveHistory({ fetchPage, fetchDetail, render, onError, pageSize = 20, liveInterval = 1000, idleInterval = 10_000 }) {
  let entries = [];
  let next;
  let olderLoaded = false;
  const details = new Map();
  let timer;
  let running = false;
  let ticket = 0;

  const merged = () => entries.map((e) => ({ ...e, ...details.get(e.id) }));
  // A scheduled broadcast waits: only one under way needs the fast refresh.
  const underWay = () => merged().some((b) => b.status === 'queued' || b.status === 'running');

  async function loadDetails() {
    const stale = entries.filter((e) => !details.has(e.id) || !settled(details.get(e.id)) || UNFINISHED.has(e.status));
    const answers = await Promise.all(stale.map((e) => fetchDetail(e.id).then((d) => [e.id, d], () => null)));
    for (const answer of answers) if (answer) details.set(...answer);
  }

  async function refresh() {
    const mine = ++ticket;
    clearTimeout(timer);
    try {
      const page = await fetchPage({ limit: pageSize });
      const fresh = new Set(page.notifications.map((n) => n.id));
      entries = [...page.notifications, ...entries.filter((e) => !fresh.has(e.id))].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
      if (!olderLoaded) next = page.next;
      await loadDetails();
      if (mine === ticket) render(merged(), { more: next !== undefined });
    } catch (error) {
      if (mine === ticket) onError(error);
      if (error.status === 401 || error.status === 403) running = false;
    }
    if (running && mine === ticket) timer = setTimeout(refresh, underWay() ? liveInterval : idleInterval);
  }

  return {
    /** Starts (or restarts, e.g. with a new token) the refreshes. */
    start() {
      running = true;
      return refresh();
    },
    stop() {
      running = false;
      ticket++;
      clearTimeout(timer);
    },
    refresh,
    /** Appends the next older page. */
    async showOlder() {
      if (next === undefined) return;
      const page = await fetchPage({ limit: pageSize, before: next });
      const known = new Set(entries.map((e) => e.id));
      entries = [...entries, ...page.notifications.filter((n) => !known.has(n.id))];
      next = page.next;
      olderLoaded = true;
      await loadDetails();
      render(merged(), { more: next !== undefined });
    },
  };
}
