// Delivery charts, hand-drawn in CSS: a stacked bar of sent / failed / gone / pending, and the same
// split per push service. Each bar's numbers are its accessible name and are printed beside it, and
// failed and gone also differ by pattern, so colour is never the only signal.
import { el } from './dom.js';

export const OUTCOMES = ['sent', 'failed', 'gone', 'pending'];

/** "5 sent, 1 failed, 0 gone, 3 pending" */
export function describeCounts(counts) {
  return OUTCOMES.map((outcome) => `${counts[outcome] ?? 0} ${outcome}`).join(', ');
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
  return el('ul', { className: 'counts' }, OUTCOMES.map((outcome) => {
    const n = counts[outcome] ?? 0;
    return el('li', { className: `count count--${outcome}${n > 0 ? ' is-nonzero' : ''}` }, [
      el('span', { className: `swatch bar-part--${outcome}`, 'aria-hidden': 'true' }),
      el('strong', {}, String(n)),
      ` ${outcome}`,
    ]);
  }));
}
