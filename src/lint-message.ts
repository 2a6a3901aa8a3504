import { MAX_NESTING_DEPTH, MAX_PLAINTEXT_BYTES } from './constants.js';
import { decodePayload } from './decode-payload.js';
import { sortInDocumentOrder } from './document-order.js';
import { finding, type Finding } from './finding.js';
import { reportUnknownMembers } from './did-you-mean.js';
import { isMap, jsonType } from './json-value.js';
import { lintExplainer } from './lint-explainer.js';
import { LintReporter, type LintProfile } from './lint-reporter.js';
import { lintStandard } from './lint-standard.js';
import { detectFormat } from './parse-push-payload.js';

export type { LintProfile } from './lint-reporter.js';
export type LintAs = 'auto' | 'standard' | 'explainer';

export interface LintOptions {
  /** Default 'portable'. */
  profile?: LintProfile;
  /** Which format to check the message as; default 'auto' (spec-notes.md#format-detection). */
  as?: LintAs;
  /** The subscription scope relative URLs resolve against; default 'https://example.com/'. */
  baseURL?: string;
  /** The user agent's maximum number of actions; default: no limit. */
  maxActions?: number;
}

export interface LintResult {
  format: 'standard' | 'explainer' | null;
  /** True exactly when no finding has severity `error` under the profile. */
  valid: boolean;
  findings: Finding[];
}

export const DEFAULT_LINT_BASE_URL = 'https://example.com/';

/** The members `--as auto` looks for (spec-notes.md#format-detection). */
const MARKERS: readonly string[] = ['web_push', 'default_action_url'];

/**
 * Lints a push payload (bytes as received, or text). Under `spec`, `valid` is the parser's verdict
 * and the errors are exactly its failures; `portable` adds what breaks on shipping browsers
 * (spec-notes.md#lint-profiles-and-finding-codes). Never throws on any input.
 */
export function lintPayload(input: string | ArrayBuffer | ArrayBufferView, options: LintOptions = {}): LintResult {
  const bytes = typeof input === 'string' ? utf8Length(input) : input.byteLength;
  const decoded = decodePayload(input);
  if (!decoded.ok) return toResult(forcedFormat(options), [decoded.finding, ...sizeFindings(bytes, options)], undefined);
  return lintDecoded(decoded.value, bytes, options, decoded.malformedUTF8 === true);
}

/** Lints an already-parsed JSON value (a server's request body); its size is that of its JSON text. */
export function lintValue(value: unknown, options: LintOptions = {}): LintResult {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // Only a value nested deeper than the stack (or a cycle, or a BigInt) gets here.
    const tooDeep = error instanceof RangeError;
    const found = tooDeep
      ? finding('nesting-too-deep', 'error', '', { limit: MAX_NESTING_DEPTH })
      : finding('json-syntax', 'error', '', { detail: (error as Error).message });
    return toResult(forcedFormat(options), [found], undefined);
  }
  if (text === undefined) {
    return toResult(forcedFormat(options), [finding('json-syntax', 'error', '', { detail: `${jsonType(value)} is not JSON` })], undefined);
  }
  // Re-reading the text applies the same nesting limit the bytes would meet.
  return lintPayload(text, options);
}

function lintDecoded(value: unknown, bytes: number, options: LintOptions, malformedUTF8: boolean): LintResult {
  const reporter = new LintReporter(options.profile ?? 'portable');
  reporter.add(sizeFindings(bytes, options));
  // The standard decodes bytes that are not UTF-8 to U+FFFD and goes on; Safari and strict
  // decoders reject the message (spec-notes.md#json-schemas-and-the-conformance-corpus).
  if (malformedUTF8) reporter.report('invalid-utf8', '', ['warning', 'error']);
  const format = forcedFormat(options) ?? detectFormat(value);
  if (format === 'standard') {
    lintStandard(value, reporter, { baseURL: options.baseURL ?? DEFAULT_LINT_BASE_URL, maxActions: options.maxActions ?? Infinity });
  } else if (format === 'explainer') {
    lintExplainer(value, reporter);
  } else if (isMap(value)) {
    reporter.report('not-declarative', '', ['error', 'error']);
    // A misspelt marker (`webPush`, `defaultActionURL`) is the likeliest reason: say so.
    reportUnknownMembers(value, '', MARKERS, {}, () => false, reporter);
  } else {
    reporter.report('not-an-object', '', ['error', 'error'], { type: jsonType(value) });
  }
  return toResult(format, reporter.findings, value);
}

function toResult(format: LintResult['format'], findings: Finding[], value: unknown): LintResult {
  return {
    format,
    valid: !findings.some((f) => f.severity === 'error'),
    findings: sortInDocumentOrder(findings, value),
  };
}

function forcedFormat(options: LintOptions): LintResult['format'] {
  return options.as === 'standard' || options.as === 'explainer' ? options.as : null;
}

/** spec-notes.md#payload-size: what does not fit one 4096-byte push record. */
function sizeFindings(bytes: number, options: LintOptions): Finding[] {
  if (bytes <= MAX_PLAINTEXT_BYTES) return [];
  const severity = (options.profile ?? 'portable') === 'spec' ? 'warning' : 'error';
  return [finding('payload-too-large', severity, '', { bytes, limit: MAX_PLAINTEXT_BYTES })];
}

/** The UTF-8 length of a string without encoding it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
