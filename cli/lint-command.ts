import { parseArgs } from 'node:util';
import type { LintAs, LintOptions, LintProfile } from '../src/lint-message.js';
import { DEFAULT_LINT_BASE_URL } from '../src/lint-message.js';
import { UsageError } from './command-flags.js';
import { lintFile, type FileReport } from './lint-file.js';
import { formatJson, formatText } from './lint-report.js';
import { DEFAULT_MAX_INPUT_BYTES, readInput } from './read-input.js';

const LINT_USAGE = `usage: dwpush lint [options] FILE... | -

Checks declarative push messages (Push API, and the 2023 WebKit explainer format).
Reads each FILE as bytes; "-" reads standard input.

options:
  --profile spec|portable       spec: exactly what the standard accepts;
                                portable (default): also what breaks on shipping browsers
  --as auto|standard|explainer  which format to check as (default auto: a "web_push" member
                                means standard, a "default_action_url" member the explainer)
  --base-url URL                the subscription scope relative URLs resolve against
                                (default ${DEFAULT_LINT_BASE_URL})
  --max-actions N               the browser's maximum number of actions (default: no limit)
  --format text|json            output (default text); json prints one array, an object per input
  --max-bytes N                 read at most N bytes of an input (default ${DEFAULT_MAX_INPUT_BYTES});
                                a larger input is not linted: an I/O error, exit 2
  -h, --help                    show this help

Only regular files and standard input are read: a FIFO or a device (/dev/zero) is refused, exit 2.

exit status: 0 every input is valid (warnings allowed), 1 some input is not,
             2 usage or I/O error (an input not read, over --max-bytes, not a regular file)
`;

interface LintArgs {
  help: boolean;
  format: 'text' | 'json';
  files: string[];
  maxBytes: number;
  options: LintOptions;
}

const PROFILES: readonly LintProfile[] = ['spec', 'portable'];
const AS_VALUES: readonly LintAs[] = ['auto', 'standard', 'explainer'];
const FORMATS = ['text', 'json'] as const;

function parseLintArgs(args: string[]): LintArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        profile: { type: 'string', default: 'portable' },
        as: { type: 'string', default: 'auto' },
        'base-url': { type: 'string', default: DEFAULT_LINT_BASE_URL },
        'max-actions': { type: 'string' },
        format: { type: 'string', default: 'text' },
        'max-bytes': { type: 'string', default: String(DEFAULT_MAX_INPUT_BYTES) },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // Node's own message suggests `--`; one plain line is enough here.
    const option = /'([^']+)'/.exec((error as Error).message)?.[1];
    throw new UsageError(option === undefined ? (error as Error).message : `unknown or incomplete option '${option}'`);
  }
  const { values, positionals } = parsed;
  const profile = oneOf('--profile', values.profile!, PROFILES);
  const as = oneOf('--as', values.as!, AS_VALUES);
  const format = oneOf('--format', values.format!, FORMATS);
  const baseURL = values['base-url']!;
  if (!URL.canParse(baseURL)) throw new UsageError(`--base-url must be an absolute URL, not '${baseURL}'`);
  const options: LintOptions = { profile, as, baseURL };
  if (values['max-actions'] !== undefined) {
    const max = Number(values['max-actions']);
    if (!/^\d+$/.test(values['max-actions']) || !Number.isSafeInteger(max)) {
      throw new UsageError(`--max-actions must be a whole number, not '${values['max-actions']}'`);
    }
    options.maxActions = max;
  }
  const maxBytes = Number(values['max-bytes']);
  if (!/^\d+$/.test(values['max-bytes']!) || !Number.isSafeInteger(maxBytes) || maxBytes === 0) {
    throw new UsageError(`--max-bytes must be a whole number of bytes above 0, not '${values['max-bytes']}'`);
  }
  if (!values.help && positionals.length === 0) throw new UsageError('no input: give one or more files, or - for standard input');
  return { help: values.help!, format, files: positionals, maxBytes, options };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be ${allowed.join(' or ')}, not '${value}'`);
  }
  return value as T;
}

export async function run(args: string[]): Promise<number> {
  let lintArgs: LintArgs;
  try {
    lintArgs = parseLintArgs(args);
  } catch (error) {
    process.stderr.write(`dwpush lint: ${(error as Error).message} (dwpush lint --help)\n`);
    return 2;
  }
  if (lintArgs.help) {
    process.stdout.write(LINT_USAGE);
    return 0;
  }
  // A reader that stops early (`dwpush lint ... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`dwpush lint: cannot write the report: ${error.message}\n`);
  });
  const reports: FileReport[] = [];
  let ioFailed = false;
  for (const file of lintArgs.files) {
    const bytes = await readInput(file, lintArgs.maxBytes).catch((error: NodeJS.ErrnoException) => {
      process.stderr.write(`dwpush lint: cannot read ${file}: ${describeIOError(error)}\n`);
      ioFailed = true;
      return null;
    });
    if (bytes !== null) reports.push(lintFile(file === '-' ? '<stdin>' : file, bytes, lintArgs.options));
  }
  const color = lintArgs.format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(lintArgs.format === 'json' ? formatJson(reports) : formatText(reports, color));
  if (ioFailed) return 2;
  return reports.every((r) => r.valid) ? 0 : 1;
}

const IO_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
};

function describeIOError(error: NodeJS.ErrnoException): string {
  return IO_ERRORS[error.code ?? ''] ?? error.message;
}
