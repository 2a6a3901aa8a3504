// The broadcast history as the page shows it: one entry per broadcast, newest first, with its title,
// target, times, outcome counts as a stacked bar, the same split per push service, the last reasons
// of failed deliveries, and Cancel while it can still be stopped.
import { isFinal, UNFINISHED } from './broadcast-status.js';
import { countsLegend, deliveryBar, pushServiceChart } from './delivery-chart.js';
import { el } from './dom.js';
import { shortId } from './progress.js';

/** A sign beside each status word, so the status never rests on colour alone. */
const STATUS_SIGN = { scheduled: '◷', queued: '…', running: '▶', done: '✓', failed: '✕', cancelled: '■', expired: '⌛' };

/** `everyone`, or `{users, channels}` in words: "channel news", "users alice, bob and channel news". */
export function describeTarget(target) {
  if (!target || target === 'everyone') return 'everyone';
  const part = (word, names) => (names.length ? `${word}${names.length > 1 ? 's' : ''} ${names.join(', ')}` : null);
  return [part('user', target.users ?? []), part('channel', target.channels ?? [])].filter(Boolean).join(' and ') || 'nobody';
}

/** "403 vapid-rejected × 2": a failed delivery's last answer (HTTP status, error code) and how many ended so. */
export function describeFailure({ status, code, count }) {
  const reason = [status ?? 'no answer', code].filter((part) => part !== null && part !== undefined).join(' ');
  return `${reason} × ${count}`;
}

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const dateAndClock = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Today's times as a clock, older ones with their date; the exact instant is the `datetime`. */
function time(label, iso) {
  if (!iso) return [];
  const at = new Date(iso);
  const today = at.toDateString() === new Date().toDateString();
  return [`${label} `, el('time', { dateTime: iso, title: at.toString() }, (today ? clock : dateAndClock).format(at))];
}

/**
 * Renders `broadcasts` (the list's entries, each replaced by its detailed status when known) into
 * `list`. `onCancel(broadcast)` is called by an entry's Cancel button.
 */
export function renderHistory(list, broadcasts, { onCancel }) {
  // The list is redrawn every second while a broadcast is under way: a Cancel button that had the
  // keyboard focus gets it back, so a keyboard user is not thrown to the top of the page.
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.broadcast : undefined;
  list.replaceChildren(...broadcasts.map((b) => el('li', { className: `broadcast broadcast--${b.status}` }, broadcastEntry(b, onCancel))));
  if (focused) list.querySelector(`[data-broadcast="${CSS.escape(focused)}"]`)?.focus();
}

function broadcastEntry(b, onCancel) {
  const title = b.title ?? `Broadcast ${shortId(b.id)}`;
  const facts = [
    [`to ${describeTarget(b.target)}`],
    time('created', b.createdAt),
    time(b.status === 'scheduled' ? 'sends' : 'scheduled for', b.sendAt),
    time('finished', b.finishedAt),
    ['id ', el('code', { title: b.id }, shortId(b.id))],
  ].filter((fact) => fact.length);
  const cancel = UNFINISHED.has(b.status)
    ? el('button', { type: 'button', className: 'danger cancel', 'aria-label': `Cancel broadcast “${title}”`, 'data-broadcast': b.id }, 'Cancel…')
    : null;
  cancel?.addEventListener('click', () => onCancel(b));
  return [
    el('div', { className: 'broadcast-head' }, [
      el('h3', { className: 'broadcast-title' }, title),
      el('span', { className: `badge badge--${b.status}` }, [el('span', { 'aria-hidden': 'true' }, `${STATUS_SIGN[b.status] ?? ''} `), b.status]),
      cancel ?? [],
    ]),
    el('p', { className: 'broadcast-facts' }, facts.flatMap((fact, i) => (i ? [' · ', ...fact] : fact))),
    b.total === 0 && isFinal(b.status)
      ? el('p', { className: 'hint' }, 'Nobody was in its audience: no subscriber matched the target when it started.')
      : [deliveryBar(b, 'Deliveries'), countsLegend(b)],
    pushServiceChart(b.pushServices) ?? [],
    b.failures?.length
      ? el('p', { className: 'failures' }, ['Failed deliveries’ last reason: ', b.failures.map(describeFailure).join(', ')])
      : [],
    b.error ? el('p', { className: 'failures' }, `Stopped by an error: ${b.error}`) : [],
  ];
}
