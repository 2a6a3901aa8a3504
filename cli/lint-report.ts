import type { Severity } from '../src/finding.js';
import type { FileReport } from './lint-file.js';

/**
 * ANSI SGR codes, written directly: the caller has already decided on colour (a TTY, no NO_COLOR),
 * and node:util's styleText second-guesses that from TERM and CI variables on some Node versions.
 */
const STYLES = { red: [31, 39], yellow: [33, 39], cyan: [36, 39], green: [32, 39], dim: [2, 22] } as const;
type Style = keyof typeof STYLES;
const styleText = (style: Style, text: string) => `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m`;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan' };

/**
 * Compiler-style lines, `file:line:column  severity  code  message`, each followed by its hint,
 * then one summary line. Colour only when asked (the caller checks for a TTY).
 */
export function formatText(reports: readonly FileReport[], color: boolean): string {
  const paint = (style: Style, text: string) => (color ? styleText(style, text) : text);
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const report of reports) {
    for (const f of report.findings) {
      counts[f.severity]++;
      lines.push(`${report.file}:${f.line}:${f.column}  ${paint(SEVERITY_STYLE[f.severity], f.severity)}  ${paint('dim', f.code)}  ${f.message}`);
      if (f.hint) lines.push(`    ${paint('dim', f.hint)}`);
    }
  }
  const invalid = reports.filter((r) => !r.valid).length;
  const files = `${reports.length} ${reports.length === 1 ? 'file' : 'files'}`;
  const verdict = invalid === 0 ? paint('green', 'all valid') : paint('red', `${invalid} not valid`);
  lines.push(`${lines.length > 0 ? '\n' : ''}${files}: ${verdict} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info)`);
  return `${lines.join('\n')}\n`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The `--format json` contract: one array, an object per input (spec-notes.md#dwpush-lint). */
export function formatJson(reports: readonly FileReport[]): string {
  const out = reports.map(({ file, format, valid, findings }) => ({
    file,
    format,
    valid,
    findings: findings.map(({ code, severity, path, message, line, column }) => ({ code, severity, path, message, line, column })),
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}
