import { describe, expect, it } from 'vitest';
import { locatePointer } from '../../polyfill/page/locate-pointer.js';

const TEXT = [
  '{', //                                   line 1
  '  "web_push": 8030,', //                 line 2
  '  "notification": {', //                 line 3
  '    "title": 42,', //                    line 4
  '    "a/b~c": true,', //                  line 5
  '    "actions": [', //                    line 6
  '      { "action": "x" },', //            line 7
  '      { "action": "y", "navigate": 1 }', // line 8
  '    ]', //                               line 9
  '  }', //                                 line 10
  '}',
].join('\n');

describe('locatePointer', () => {
  it.each([
    ['', 1, 1],
    ['/web_push', 2, 3],
    ['/notification', 3, 3],
    ['/notification/title', 4, 5],
    ['/notification/a~1b~0c', 5, 5],
    ['/notification/actions/1', 8, 7],
    ['/notification/actions/1/navigate', 8, 24],
  ])('%s is at line %i, column %i (the member name, or the array entry)', (pointer, line, column) => {
    expect(locatePointer(TEXT, pointer)).toMatchObject({ line, column });
  });

  it('a missing member points at its nearest existing parent', () => {
    expect(locatePointer(TEXT, '/notification/navigate')).toMatchObject({ line: 3, column: 3 });
    expect(locatePointer(TEXT, '/notification/actions/7/title')).toMatchObject({ line: 6, column: 5 });
  });

  it('with duplicate names, the last one (the one JSON.parse keeps)', () => {
    expect(locatePointer('{"a": 1,\n "a": 2}', '/a')).toMatchObject({ line: 2, column: 2, offset: 10 });
  });

  it('text that is not JSON: the first syntax error', () => {
    expect(locatePointer('{\n  "web_push": 8030\n  "notification": {}\n}', '')).toMatchObject({ line: 3, column: 3 });
  });

  it('offset is the index a textarea selection takes', () => {
    const { offset } = locatePointer(TEXT, '/notification/title');
    expect(TEXT.slice(offset, offset + 7)).toBe('"title"');
  });
});
