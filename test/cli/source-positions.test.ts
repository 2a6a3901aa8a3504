import { describe, expect, it } from 'vitest';
import { locatePointers, locateStart, locateSyntaxError } from '../../cli/source-positions.js';

describe('locatePointers', () => {
  const text = '{\n  "skip": {"deep": [1, {"x": 2}]},\n  "n": {"a": 1, "a": 2, "list": [10, {"k": true}]}\n}';

  it('finds members at their key and entries at their value, after skipped subtrees', () => {
    const found = locatePointers(text, ['/n/list/1/k', '/n/list/0', '']);
    expect(Object.fromEntries(found)).toEqual({
      '/n/list/1/k': { line: 3, column: 39 },
      '/n/list/0': { line: 3, column: 34 },
      '': { line: 1, column: 1 },
    });
  });

  it('points at the last of duplicated keys, as JSON.parse keeps it', () => {
    expect(locatePointers(text, ['/n/a']).get('/n/a')).toEqual({ line: 3, column: 17 });
  });

  it('points a missing member at the nearest object that exists', () => {
    expect(locatePointers(text, ['/n/title']).get('/n/title')).toEqual({ line: 3, column: 3 });
    expect(locatePointers(text, ['/nothing/here']).get('/nothing/here')).toEqual({ line: 1, column: 1 });
  });

  it('escapes member names as JSON Pointer does', () => {
    expect(locatePointers('{"a/b": {"~": 1}}', ['/a~1b/~0']).get('/a~1b/~0')).toEqual({ line: 1, column: 10 });
  });
});

describe('locateSyntaxError and locateStart', () => {
  it('find where strict JSON breaks, and the first character of the input', () => {
    expect(locateSyntaxError('{\n "a": 1 // no comments\n}')).toEqual({ line: 2, column: 9 });
    expect(locateSyntaxError('{"a": [1, 2,]}')).toEqual({ line: 1, column: 13 });
    expect(locateStart('\n\n   {}')).toEqual({ line: 3, column: 4 });
  });
});
