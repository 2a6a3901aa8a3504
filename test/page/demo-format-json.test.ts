import { describe, expect, it } from 'vitest';
import { formatJson } from '../../server/public/format-json.js';

describe('Format', () => {
  it('pretty-prints like JSON.stringify with two spaces, ending in a newline', () => {
    const value = { web_push: 8030, notification: { title: 'Hi', actions: [], data: {}, list: [1, [2, 3], { a: null }] }, mutable: true };
    expect(formatJson(JSON.stringify(value)).text).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(formatJson('  [ ]  ').text).toBe('[]\n');
    expect(formatJson('"x"').text).toBe('"x"\n');
  });

  it('keeps every token as written: duplicate members, number spellings, escapes (the linter judges them)', () => {
    const text = '{"title":"a","title":"b\\u0041\\"","n":1.0e2,"m":-0}';
    expect(formatJson(text).text).toBe('{\n  "title": "a",\n  "title": "b\\u0041\\"",\n  "n": 1.0e2,\n  "m": -0\n}\n');
  });

  it('keeps the caret on its member: inside a name, inside a value, and between tokens (to the next one)', () => {
    const text = '{"web_push":8030,"notification":{"title":"Hi","navigate":"https://a.example/"}}';
    const inName = text.indexOf('navigate') + 3; // "nav|igate"
    const formatted = formatJson(text, inName);
    expect(formatted.text.slice(formatted.caret - 4, formatted.caret + 5)).toBe('"navigate');
    expect(formatted.text.slice(formatted.caret, formatted.caret + 6)).toBe('igate"');

    const inValue = text.indexOf('Hi') + 1; // "H|i"
    const value = formatJson(text, inValue);
    expect(value.text.slice(value.caret - 11, value.caret + 2)).toBe('"title": "Hi"');

    const spaced = '{ "a" :   1 }';
    const between = formatJson(spaced, spaced.indexOf('1') - 1);
    expect(between.text.slice(between.caret)).toBe('1\n}\n');
    expect(formatJson(spaced, spaced.length).caret).toBe('{\n  "a": 1\n}\n'.length);
  });

  it('refuses text that is not JSON with the parser’s reason, changing nothing', () => {
    expect(() => formatJson('{"title": }')).toThrow(SyntaxError);
    expect(() => formatJson('')).toThrow(SyntaxError);
  });
});
