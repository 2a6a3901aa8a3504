import { MAX_NESTING_DEPTH } from './constants.js';
import { finding, type Finding } from './finding.js';

export type Decoded =
  | { ok: true; value: unknown; text: string; /** Bytes that were not UTF-8 became U+FFFD. */ malformedUTF8?: true }
  | { ok: false; finding: Finding };

const strictUTF8 = new TextDecoder('utf-8', { fatal: true }); // both strip a leading BOM
// Infra's "parse JSON bytes" runs Encoding's "UTF-8 decode", whose error mode is replacement: bytes
// that are not UTF-8 become U+FFFD and only fail if they land outside a JSON string
// (spec-notes.md#json-schemas-and-the-conformance-corpus, invalid UTF-8).
const lenientUTF8 = new TextDecoder();

/**
 * Parser step 1, "parse JSON bytes to an Infra value": UTF-8 decode (a leading BOM is stripped),
 * then JSON. Every way it can fail becomes a finding; nothing throws.
 */
export function decodePayload(input: string | ArrayBuffer | ArrayBufferView): Decoded {
  let text: string;
  let malformedUTF8 = false;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    try {
      text = strictUTF8.decode(input as Uint8Array);
    } catch {
      text = lenientUTF8.decode(input as Uint8Array);
      malformedUTF8 = true;
    }
  }
  if (text.trim() === '') return { ok: false, finding: finding('empty-input', 'error', '') };
  const depth = nestingDepth(text);
  if (depth > MAX_NESTING_DEPTH) {
    return { ok: false, finding: finding('nesting-too-deep', 'error', '', { depth, limit: MAX_NESTING_DEPTH }) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Replaced bytes outside a string broke the JSON: the bytes are the cause worth naming.
    if (malformedUTF8) return { ok: false, finding: finding('invalid-utf8', 'error', '') };
    return { ok: false, finding: finding('json-syntax', 'error', '', { detail: (error as Error).message }) };
  }
  return malformedUTF8 ? { ok: true, value, text, malformedUTF8: true } : { ok: true, value, text };
}

/** The deepest nesting of [ and { outside strings; stops counting once past the limit. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > MAX_NESTING_DEPTH) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
