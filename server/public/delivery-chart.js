// Delivery charts, hand-drawn in CSS: a stacked bar of sent / failed / gone / pending (and unsent,
// once a broadcast was cancelled or expired), and the same split per push service. Each bar's
// numbers are its accessible name and are printed beside it, and the parts also differ by pattern,
// so colour is never the only signal.
import { el } from './dom.js';
import { countsByPushService } from './push-services.js';

export const OUTCOMES = ['sent', 'failed', 'gone', 'unsent', 'pending'];

/** The outcomes worth naming: unsent only when there are some (nothing is unsent unless stopped). */
const shown = (counts) => OUTCOMES.filter((outcome) => outcome !== 'unsent' || counts.unsent > 0);

/** "5 sent, 1 failed, 0 gone, 3 pending" */
export function describeCounts(counts) {
  return shown(counts).map((outcome) => `${counts[outcome] ?? 0} ${outcome}`).join(', ');
}

/** One stacked bar; each part is as wide as its share of the whole. An empty whole is an empty bar. */
export function deliveryBar(counts, label) {
  const parts = OUTCOMES.filter((outcome) => counts[outcome] > 0).map((outcome) => {
    const part = el('span', { className: `bar-part bar-part--${outcome}` });
    part.style.flexGrow = String(counts[outcome]);
    return part;
  });
  return el('div', { className: 'bar', role: 'img', 'aria-label': `${label}: ${describeCounts(counts)}` }, parts);
}

/** The counts in words, each with its bar's swatch; a count above zero that needs attention is marked. */
export function countsLegend(counts) {
  return el('ul', { className: 'counts' }, shown(counts).map((outcome) => {
    const n = counts[outcome] ?? 0;
    return el('li', { className: `count count--${outcome}${n > 0 ? ' is-nonzero' : ''}` }, [
      el('span', { className: `swatch bar-part--${outcome}`, 'aria-hidden': 'true' }),
      el('strong', {}, String(n)),
      ` ${outcome}`,
    ]);
  }));
}

/**
 * One row per push service that had deliveries (`pushServices`: counts by origin and state), each a
 * bar with its numbers, so a slow or refusing service stands out; null when there is none.
 */
export function pushServiceChart(pushServices) {
  const rows = countsByPushService(pushServices);
  if (rows.length === 0) return null;
  return el('table', { className: 'service-chart' }, [
    el('caption', { className: 'visually-hidden' }, 'Deliveries per push service'),
    el('tbody', {}, rows.map(({ name, counts }) => el('tr', {}, [
      el('th', { scope: 'row' }, name),
      el('td', { className: 'service-bar' }, deliveryBar(counts, name)),
      el('td', { className: 'service-counts' }, describeCounts(counts)),
    ]))),
  ]);
}
