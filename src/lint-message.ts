// TEMPORARY stand-in
/**
 * Minimal stand-in for the linter with its final API, so the server compiles and its tests run.
 * Replaced at merge by the real linter.
 */
import { decodePayload } from './decode-payload.js';
import { finding, type Finding } from './finding.js';
import { isMap, isString } from './json-value.js';
import { readDeclarativePushMessage } from './parse-declarative-push-message.js';
import { readExplainerMessage } from './parse-explainer-message.js';
import { detectFormat } from './parse-push-payload.js';

export interface LintOptions {
  profile?: 'spec' | 'portable';
  as?: 'auto' | 'standard' | 'explainer';
  baseURL?: string;
  maxActions?: number;
}

export interface LintResult {
  format: 'standard' | 'explainer' | null;
  valid: boolean;
  findings: Finding[];
}

export function lintValue(value: unknown, options: LintOptions = {}): LintResult {
  const format = options.as === undefined || options.as === 'auto' ? detectFormat(value) : options.as;
  if (format === null) return { format, valid: false, findings: [finding('not-declarative', 'error', '')] };
  const base = options.baseURL ?? 'https://invalid.invalid/';
  const parsed = format === 'explainer' ? readExplainerMessage(value) : readDeclarativePushMessage(value, { baseURL: base });
  if (!parsed.declarative) return { format, valid: false, findings: parsed.findings };
  const findings: Finding[] = [];
  if ((options.profile ?? 'portable') === 'portable' && format === 'standard' && isMap(value) && isMap(value.notification)) {
    const { title, navigate } = value.notification;
    if (title === '') findings.push(finding('title-empty', 'error', '/notification/title'));
    if (!isString(navigate) || !/^https?:\/\//i.test(navigate)) {
      findings.push(finding('url-relative', 'error', '/notification/navigate'));
    }
  }
  return { format, valid: !findings.some((f) => f.severity === 'error'), findings };
}

export function lintPayload(input: string | ArrayBuffer | ArrayBufferView, options: LintOptions = {}): LintResult {
  const decoded = decodePayload(input);
  if (!decoded.ok) return { format: null, valid: false, findings: [decoded.finding] };
  return lintValue(decoded.value, options);
}
