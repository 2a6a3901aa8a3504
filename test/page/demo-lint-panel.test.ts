// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { locatePointer } from '../../polyfill/page/locate-pointer.js';
import { findingPosition, liveLint, moveCaret, offsetOf, renderFindings } from '../../server/public/lint-panel.js';

const TEXT = '{\n  "web_push": 8030,\n  "notification": {\n    "title": 42,\n    "navigate": "/x"\n  }\n}\n';

function panel() {
  document.body.innerHTML = '<textarea id="editor"></textarea><p id="summary"></p><ol id="list"></ol>';
  return {
    editor: document.getElementById('editor') as HTMLTextAreaElement,
    summary: document.getElementById('summary')!,
    list: document.getElementById('list')!,
  };
}

const titleFinding = { code: 'title-not-a-string', severity: 'error', path: '/notification/title', message: 'title must be a string', line: null, column: null };
const navigateFinding = { code: 'url-relative', severity: 'error', path: '/notification/navigate', message: 'navigate is relative', line: 5, column: 17 };
const infoFinding = { code: 'actions-not-shown-by-safari', severity: 'info', path: '/notification', message: 'Safari shows no buttons', hint: 'fine to keep' };

describe('lint findings with line numbers', () => {
  it('uses the server’s line and column when given, and locates the pointer otherwise', () => {
    expect(findingPosition(TEXT, navigateFinding, locatePointer)).toEqual({ line: 5, column: 17, offset: TEXT.indexOf('"/x"') });
    expect(findingPosition(TEXT, titleFinding, locatePointer)).toMatchObject({ line: 4, column: 5, offset: TEXT.indexOf('"title"') });
  });

  it('offsetOf clamps past the end of a line list', () => {
    expect(offsetOf('ab\ncd', 2, 2)).toBe(4);
    expect(offsetOf('ab\ncd', 9, 1)).toBe(5);
  });

  it('lists each finding with its line, column, message and code; errors first, in text order', () => {
    const { summary, list } = panel();
    const result = { format: 'standard', valid: false, findings: [infoFinding, navigateFinding, titleFinding] };
    renderFindings(list, summary, { text: TEXT, result, locate: locatePointer, onSelect: () => {} });
    const items = [...list.querySelectorAll('.finding')].map((b) => [
      b.querySelector('.finding-severity')!.textContent,
      b.querySelector('.finding-location')!.textContent,
      b.querySelector('.finding-code')!.textContent,
    ]);
    expect(items).toEqual([
      ['error', 'line 4, col 5', 'title-not-a-string'],
      ['error', 'line 5, col 17', 'url-relative'],
      ['info', 'line 3, col 3', 'actions-not-shown-by-safari'],
    ]);
    expect(list.querySelector('.finding--info .finding-hint')!.textContent).toBe('fine to keep');
    expect(summary.textContent).toBe('2 errors: browsers will not show this as a declarative message');
    expect(summary.className).toContain('is-invalid');
  });

  it('a valid message says so, counting its notes', () => {
    const { summary, list } = panel();
    renderFindings(list, summary, { text: TEXT, result: { valid: true, findings: [infoFinding] }, locate: locatePointer, onSelect: () => {} });
    expect(summary.textContent).toBe('Valid, with 1 note');
    expect(summary.className).toContain('is-valid');
  });

  it('says how many findings the server left out of a long list', () => {
    const { summary, list } = panel();
    renderFindings(list, summary, { text: TEXT, result: { valid: false, findings: [titleFinding], omitted: 4000 }, locate: locatePointer, onSelect: () => {} });
    expect(summary.textContent).toBe('1 error: browsers will not show this as a declarative message; 4000 more findings not listed');
    expect(list.querySelectorAll('.finding')).toHaveLength(1);
  });

  it('clicking a finding hands its position over, and moveCaret puts the caret there', () => {
    const { editor, summary, list } = panel();
    editor.value = TEXT;
    const onSelect = vi.fn((position) => moveCaret(editor, position));
    renderFindings(list, summary, { text: TEXT, result: { valid: false, findings: [titleFinding] }, locate: locatePointer, onSelect });
    list.querySelector<HTMLButtonElement>('.finding')!.click();
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ line: 4, column: 5 }));
    expect(editor.selectionStart).toBe(TEXT.indexOf('"title"'));
    expect(editor.selectionEnd).toBe(TEXT.indexOf('"title"'));
  });

  it('message text is shown as text, never as HTML', () => {
    const { summary, list } = panel();
    const finding = { ...titleFinding, message: '<img src=x onerror=alert(1)>' };
    renderFindings(list, summary, { text: TEXT, result: { valid: false, findings: [finding] }, locate: locatePointer, onSelect: () => {} });
    expect(list.querySelector('img')).toBeNull();
    expect(list.querySelector('.finding-message')!.textContent).toBe(finding.message);
  });

  it('backticked names and values in the server’s prose become code elements, still as text', () => {
    const { summary, list } = panel();
    const finding = { ...titleFinding, message: '`notification.title` is `<b>`, not a string', hint: 'an unpaired ` stays' };
    renderFindings(list, summary, { text: TEXT, result: { valid: false, findings: [finding] }, locate: locatePointer, onSelect: () => {} });
    const message = list.querySelector('.finding-message')!;
    expect([...message.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['notification.title', '<b>']);
    expect(message.querySelector('b')).toBeNull();
    expect(message.textContent).toBe('notification.title is <b>, not a string');
    expect(list.querySelector('.finding-hint')!.textContent).toBe('an unpaired ` stays');
  });
});

describe('liveLint', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lints once, after the typing pauses, with the text at that moment', async () => {
    const { editor } = panel();
    const lint = vi.fn(async (text: string) => ({ valid: true, findings: [], text }));
    const onResult = vi.fn();
    liveLint({ editor, lint, onResult, onError: () => {}, delay: 300 });
    for (const text of ['{', '{"a"', '{"a":1}']) {
      editor.value = text;
      editor.dispatchEvent(new Event('input'));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(lint).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(300);
    expect(lint.mock.calls).toEqual([['{"a":1}']]);
    expect(onResult).toHaveBeenCalledWith('{"a":1}', expect.objectContaining({ valid: true }));
  });

  it('drops an answer that arrives after a newer request was made', async () => {
    const { editor } = panel();
    const answers: Array<(value: unknown) => void> = [];
    const lint = (text: string) => new Promise((resolve) => answers.push(() => resolve({ text })));
    const onResult = vi.fn();
    const live = liveLint({ editor, lint, onResult, onError: () => {} });
    editor.value = 'old';
    const first = live.run();
    editor.value = 'new';
    const second = live.run();
    answers[1]!(undefined);
    answers[0]!(undefined);
    await Promise.all([first, second]);
    expect(onResult.mock.calls).toEqual([['new', { text: 'new' }]]);
  });

  it('reports a failed lint request to onError', async () => {
    const { editor } = panel();
    const onError = vi.fn();
    const live = liveLint({ editor, lint: () => Promise.reject(Object.assign(new Error('down'), { code: 'server-unreachable' })), onResult: () => {}, onError });
    await live.run();
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'server-unreachable' }));
  });
});
