// Line numbers beside the editor, so the findings' "line N" can be found by eye; lines with a finding
// carry its severity's colour.
import { el } from './dom.js';

const RANK = { error: 3, warning: 2, info: 1 };

export function lineGutter(editor, gutter) {
  let marks = new Map();
  const render = () => {
    const count = editor.value.split('\n').length;
    gutter.replaceChildren(
      ...Array.from({ length: count }, (_, i) => el('span', { className: marks.has(i + 1) ? `line-mark line-mark--${marks.get(i + 1)}` : '' }, String(i + 1))),
    );
    gutter.scrollTop = editor.scrollTop;
  };
  editor.addEventListener('input', render);
  editor.addEventListener('scroll', () => {
    gutter.scrollTop = editor.scrollTop;
  });
  render();
  return {
    /** Marks each line that has a finding (`{severity, position: {line}}`) with its most severe one. */
    mark(findings) {
      marks = new Map();
      for (const { severity, position } of findings) {
        if ((RANK[severity] ?? 0) > (RANK[marks.get(position.line)] ?? 0)) marks.set(position.line, severity);
      }
      render();
    },
  };
}
