// Live lint: the editor's text goes to `POST /api/lint` (debounced); findings are listed with their
// line and column, and clicking one puts the caret there.
import { el } from './dom.js';

/** Line and column of a finding: the server's when it gave them, else located from its JSON Pointer. */
export function findingPosition(text, finding, locate) {
  if (Number.isInteger(finding.line) && Number.isInteger(finding.column)) {
    return { line: finding.line, column: finding.column, offset: offsetOf(text, finding.line, finding.column) };
  }
  return locate(text, finding.path ?? '');
}

/** The text offset of a 1-based line and column, clamped to the text. */
export function offsetOf(text, line, column) {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return text.length;
    start = next + 1;
  }
  return Math.min(start + column - 1, text.length);
}

/** Puts the caret at a position and scrolls the editor so its line is in view. */
export function moveCaret(editor, { line, offset }) {
  editor.focus();
  editor.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 20;
  editor.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

/**
 * Renders a lint answer (`{valid, findings}`) for the text it was made from. `summary` gets one line;
 * `list` gets one button per finding, in text order within each severity. Returns the findings with
 * their positions.
 */
export function renderFindings(list, summary, { text, result, locate, onSelect }) {
  const findings = result.findings.map((f) => ({ ...f, position: findingPosition(text, f, locate) }));
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.position.offset - b.position.offset);
  const errors = findings.filter((f) => f.severity === 'error').length;
  summary.className = `lint-summary ${result.valid ? 'is-valid' : 'is-invalid'}`;
  // The server lists at most 100 findings and counts the rest (`omitted`).
  const more = result.omitted ? `; ${result.omitted} more findings not listed` : '';
  summary.textContent = (result.valid
    ? `Valid${findings.length ? `, with ${plural(findings.length, 'note')}` : ''}`
    : `${plural(errors, 'error')}: browsers will not show this as a declarative message`) + more;
  list.replaceChildren(...findings.map((f) => findingItem(f, onSelect)));
  return findings;
}

function findingItem(finding, onSelect) {
  const { line, column } = finding.position;
  const button = el('button', { type: 'button', className: `finding finding--${finding.severity}` }, [
    el('span', { className: 'finding-severity' }, finding.severity),
    el('span', { className: 'finding-location' }, `line ${line}, col ${column}`),
    el('span', { className: 'finding-message' }, withCode(finding.message)),
    el('code', { className: 'finding-code' }, finding.code),
    finding.hint ? el('span', { className: 'finding-hint' }, withCode(finding.hint)) : [],
  ]);
  button.addEventListener('click', () => onSelect(finding.position));
  return el('li', {}, [button]);
}

/**
 * The server's prose marks member names and values with backticks (src/describe-finding.ts): they
 * become `<code>` elements, as text (never HTML). An unpaired backtick stays as it is.
 */
export function withCode(text) {
  return text.split(/`([^`]+)`/).map((part, i) => (i % 2 ? el('code', {}, part) : part)).filter((part) => part !== '');
}

/** Shows why there is no lint (e.g. the server is down) without losing the last findings' place. */
export function renderLintUnavailable(list, summary, reason) {
  summary.className = 'lint-summary is-unknown';
  summary.textContent = reason;
  list.replaceChildren();
}

/**
 * Calls `lint(text)` `delay` ms after the last edit; an answer that arrives after a newer request
 * was made is dropped, so findings always match the text they were made from.
 */
export function liveLint({ editor, lint, onResult, onError, delay = 300 }) {
  let timer;
  let latest = 0;
  const run = async () => {
    const ticket = ++latest;
    const text = editor.value;
    try {
      const result = await lint(text);
      if (ticket === latest) onResult(text, result);
    } catch (error) {
      if (ticket === latest) onError(error);
    }
  };
  editor.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  });
  return { run };
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
