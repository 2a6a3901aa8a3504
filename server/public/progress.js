// Broadcast progress: polls `GET /api/notifications/:id` until the job is final.
import { isFinal } from './broadcast-status.js';
import { countsLegend, deliveryBar } from './delivery-chart.js';
import { el } from './dom.js';


/**
 * Calls `status(id)` every `interval` ms and hands each answer to `onUpdate`, until the status is
 * final, or `maxPolls` answers came (the last answer is then returned as it is).
 */
export async function watchBroadcast({ id, status, onUpdate, interval = 500, maxPolls = 600, sleep = defaultSleep }) {
  let answer;
  for (let poll = 1; poll <= maxPolls; poll++) {
    answer = await status(id);
    onUpdate(answer);
    if (isFinal(answer.status)) break;
    if (poll < maxPolls) await sleep(interval);
  }
  return answer;
}

function defaultSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The status line, a stacked bar of the outcomes and the counts (`{id,status,total,sent,failed,gone,pending}`).
 * A broadcast that had nobody to reach says so, instead of "0 of 0".
 */
export function renderProgress(container, job) {
  const finished = job.total - job.pending;
  const progress = job.total === 0 && isFinal(job.status) ? 'nobody was in its audience' : `${finished} of ${job.total} handled`;
  container.replaceChildren(
    el('p', { className: `job-status job-status--${job.status}` }, [
      'Notification ',
      el('code', { className: 'job-id', title: job.id }, shortId(job.id)),
      `: ${job.status}, ${progress}`,
    ]),
    deliveryBar(job, 'Deliveries'),
    countsLegend(job),
  );
}

/** dwpush serve's ids are UUIDs: their first 8 hex digits tell broadcasts apart on one page (the whole id is the tooltip). */
export function shortId(id) {
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? id.slice(0, 8) : id;
}
