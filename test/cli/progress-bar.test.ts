import { describe, expect, it } from 'vitest';
import { renderProgress } from '../../cli/progress-bar.js';

describe('renderProgress', () => {
  it('fills the bar in proportion and lists the counts', () => {
    expect(renderProgress(5, 10, { sent: 4, gone: 1 }, 10)).toBe('[#####.....]  50%  5/10  sent 4  gone 1');
    expect(renderProgress(0, 0, {}, 4)).toBe('[####] 100%  0/0  ');
    expect(renderProgress(12, 10, {}, 4)).toMatch(/^\[####\] 100%/);
  });
});
