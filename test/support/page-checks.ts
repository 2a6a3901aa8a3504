/** Checks of a whole page in a real browser: sideways scrolling and axe-core's WCAG 2 A/AA rules. */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Whether the page scrolls sideways, and the outermost elements that stick out past the viewport
 * or let their text spill past it (a selector-like name and their right edge), so a failure says
 * what to fix.
 */
export function sidewaysOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const { scrollWidth, clientWidth } = document.documentElement;
    // An element past the right edge, or one whose own text runs out of it (overflow visible) past the edge.
    const outside = [...document.body.querySelectorAll('*')].filter((e) => {
      const box = e.getBoundingClientRect();
      const spills = e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && box.left + e.scrollWidth > clientWidth + 0.5;
      return box.right > clientWidth + 0.5 || spills;
    });
    const culprits = outside
      .filter((e) => !outside.includes(e.parentElement!))
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.classList.length ? `.${[...e.classList].join('.')}` : ''} right=${Math.round(e.getBoundingClientRect().right)}`);
    return { scrollWidth, clientWidth, culprits };
  });
}

/** axe-core's WCAG 2.0/2.1 A and AA violations of impact serious or critical, one line each (rule: targets). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async () => {
    const { axe } = window as unknown as { axe: typeof import('axe-core') };
    const { violations } = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
