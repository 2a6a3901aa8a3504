// Broadcast progress: polls `GET /api/notifications/:id` until the job is done or failed.
import { el } from './dom.js';

const FINISHED = new Set(['done', 'failed']);

/**
 * Calls `status(id)` every `interval` ms and hands each answer to `onUpdate`, until the status is
 * done or failed, or `maxPolls` answers came (the last answer is then returned as it is).
 */
export async function watchBroadcast({ id, status, onUpdate, interval = 500, maxPolls = 600, sleep = defaultSleep }) {
  let answer;
  for (let poll = 1; poll <= maxPolls; poll++) {
    answer = await status(id);
    onUpdate(answer);
    if (FINISHED.has(answer.status)) break;
    if (poll < maxPolls) await sleep(interval);
  }
  return answer;
}

function defaultSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One progress bar plus the counts (`{status,total,sent,failed,gone,pending}`). */
export function renderProgress(container, job) {
  const finished = job.total - job.pending;
  const bar = el('progress', {
    max: Math.max(job.total, 1),
    value: job.total ? finished : FINISHED.has(job.status) ? 1 : 0,
    'aria-label': 'Delivery progress',
  });
  const counts = [
    ['sent', job.sent],
    ['failed', job.failed],
    ['gone', job.gone],
    ['pending', job.pending],
  ].map(([name, n]) => el('li', { className: `count count--${name}` }, [el('strong', {}, String(n)), ` ${name}`]));
  container.replaceChildren(
    el('p', { className: `job-status job-status--${job.status}` }, [
      'Notification ',
      el('code', { className: 'job-id', title: job.id }, shortId(job.id)),
      `: ${job.status}, ${finished} of ${job.total} handled`,
    ]),
    bar,
    el('ul', { className: 'counts' }, counts),
  );
}

/** dwpush serve's ids are UUIDs: their first 8 hex digits tell broadcasts apart on one page (the whole id is the tooltip). */
function shortId(id) {
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? id.slice(0, 8) : id;
}
