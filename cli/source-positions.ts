import { visit, type JSONPath } from 'jsonc-parser';
import { pointer } from '../src/finding.js';

/** 1-based, like a compiler's `file:line:column`. */
export interface Position {
  line: number;
  column: number;
}

const START: Position = { line: 1, column: 1 };

/**
 * Where each JSON Pointer of `pointers` is in `text`: a member at its key, an array entry at its
 * value, a missing member at the nearest object that exists. Uses jsonc-parser's streaming
 * visitor and skips every subtree no pointer leads into, so a 50 MB payload costs one scan and no
 * tree. Only call it on text that JSON.parse accepted within our nesting limit (the visitor
 * recurses).
 */
export function locatePointers(text: string, pointers: readonly string[]): Map<string, Position> {
  const wanted = new Set(pointers.flatMap(prefixes));
  const found = new Map<string, Position>();
  const record = (pointer: string, line: number, character: number, overwrite: boolean) => {
    if (wanted.has(pointer) && (overwrite || !found.has(pointer))) found.set(pointer, { line: line + 1, column: character + 1 });
  };
  const begin = (_offset: number, _length: number, line: number, character: number, path: () => JSONPath) => {
    const pointer = toPointer(path());
    record(pointer, line, character, false);
    return wanted.has(pointer); // false skips the subtree
  };
  visit(text, {
    onObjectBegin: begin,
    onArrayBegin: begin,
    // Without end callbacks the visitor never lifts a skip: they are what count skipped levels down.
    onObjectEnd: () => undefined,
    onArrayEnd: () => undefined,
    onLiteralValue: (_value, _offset, _length, line, character, path) => record(toPointer(path()), line, character, false),
    // A duplicate key: JSON.parse keeps the last one, so its position wins.
    onObjectProperty: (property, _offset, _length, line, character, path) => record(toPointer([...path(), property]), line, character, true),
  });
  return new Map(pointers.map((p) => [p, nearest(p, found)]));
}

/** Where a JSON syntax error starts, by jsonc-parser's strict scanner; the start when it finds none. */
export function locateSyntaxError(text: string): Position {
  let position: Position | undefined;
  visit(text, {
    onError: (_error, _offset, _length, line, character) => {
      position ??= { line: line + 1, column: character + 1 };
    },
  }, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return position ?? START;
}

/** Where the first non-blank character is (a finding about the whole input points at it). */
export function locateStart(text: string): Position {
  return offsetPosition(text, Math.max(0, text.search(/\S/)));
}

export function offsetPosition(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

function nearest(pointer: string, found: Map<string, Position>): Position {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const position = found.get(p);
    if (position) return position;
    if (p === '') return START;
  }
}

function prefixes(pointer: string): string[] {
  const parts = pointer.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

const toPointer = (path: JSONPath) => path.reduce<string>((parent, segment) => pointer(parent, segment), '');
