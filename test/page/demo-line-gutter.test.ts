// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { lineGutter } from '../../server/public/line-gutter.js';

describe('editor line numbers', () => {
  it('numbers every line, follows edits, and marks lines with their most severe finding', () => {
    document.body.innerHTML = '<pre id="g"></pre><textarea id="e">a\nb\nc</textarea>';
    const editor = document.getElementById('e') as HTMLTextAreaElement;
    const gutter = document.getElementById('g')!;
    const lines = lineGutter(editor, gutter);
    expect([...gutter.children].map((s) => s.textContent)).toEqual(['1', '2', '3']);

    editor.value = 'a\nb\nc\nd';
    editor.dispatchEvent(new Event('input'));
    expect(gutter.children).toHaveLength(4);

    lines.mark([
      { severity: 'info', position: { line: 2 } },
      { severity: 'error', position: { line: 2 } },
      { severity: 'warning', position: { line: 4 } },
    ]);
    expect([...gutter.children].map((s) => s.className)).toEqual(['', 'line-mark line-mark--error', '', 'line-mark line-mark--warning']);
  });
});
