import { describeFinding } from '../src/describe-finding.js';
import type { Severity } from '../src/finding.js';
import { lintPayload, type LintOptions, type LintResult } from '../src/lint-message.js';
import { locatePointers, locateStart, locateSyntaxError, offsetPosition, type Position } from './source-positions.js';

export interface LocatedFinding extends Position {
  code: string;
  severity: Severity;
  path: string;
  message: string;
  hint?: string;
}

export interface FileReport {
  file: string;
  format: LintResult['format'];
  valid: boolean;
  findings: LocatedFinding[];
}

const lenient = new TextDecoder('utf-8'); // replaces bad bytes, strips a BOM: for positions only

/** Lints one input's bytes and places each finding in its text, with its prose. */
export function lintFile(file: string, bytes: Uint8Array, options: LintOptions): FileReport {
  const { format, valid, findings } = lintPayload(bytes, options);
  const text = lenient.decode(bytes);
  const pointers = findings.map((f) => f.path).filter((p) => p !== '');
  const positions = pointers.length > 0 ? locatePointers(text, pointers) : new Map<string, Position>();
  const located = findings.map((f): LocatedFinding => {
    const { message, hint } = describeFinding(f);
    const position = positions.get(f.path) ?? wholeInputPosition(f.code, text);
    return { code: f.code, severity: f.severity, path: f.path, message, ...(hint === undefined ? {} : { hint }), ...position };
  });
  return { file, format, valid, findings: located };
}

function wholeInputPosition(code: string, text: string): Position {
  if (code === 'json-syntax') return locateSyntaxError(text);
  // The first replacement character is the first bad byte (unless the text itself holds U+FFFD earlier).
  if (code === 'invalid-utf8') return offsetPosition(text, Math.max(0, text.indexOf('\uFFFD')));
  return locateStart(text);
}
