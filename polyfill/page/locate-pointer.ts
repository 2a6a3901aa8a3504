import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import { pointerSegments } from '../../src/finding.js';

export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (what a textarea's selection counts). */
  column: number;
  offset: number;
}

/**
 * Where a finding's JSON Pointer points in the message text: the member's name for an object member,
 * the value for an array entry, and the nearest existing ancestor for a member that is missing.
 * For text that is not JSON, the first syntax error. The demo uses it when the server's findings
 * carry no line and column (spec-notes.md#page-helper).
 */
export function locatePointer(text: string, pointer: string): TextPosition {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (!root || errors.length > 0) return position(text, errors[0]?.offset ?? 0);
  let node: Node = root;
  for (const segment of pointerSegments(pointer)) {
    const child = childAt(node, segment);
    if (!child) break;
    node = child;
  }
  const named = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  return position(text, (named ?? node).offset);
}

function childAt(node: Node, segment: string): Node | undefined {
  if (node.type === 'array') return /^(0|[1-9]\d*)$/.test(segment) ? node.children?.[Number(segment)] : undefined;
  if (node.type !== 'object') return undefined;
  // Duplicate names: JSON.parse keeps the last one, and so does the parser.
  const properties = (node.children ?? []).filter((p) => p.children?.[0]?.value === segment);
  return properties.at(-1)?.children?.[1];
}

function position(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1, offset };
}
