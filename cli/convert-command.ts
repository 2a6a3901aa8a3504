import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { convertMessage, type ConvertFrom } from '../src/convert-message.js';
import { describeFinding } from '../src/describe-finding.js';
import { isMap } from '../src/json-value.js';
import { MAPPABLE_MEMBERS } from '../src/legacy-to-standard.js';
import { lintValue } from '../src/lint-message.js';
import { reportFailure, UsageError } from './command-flags.js';

const USAGE = `usage: dwpush convert [--from auto|explainer|fcm|legacy] [--map MEMBER=PATH,...] FILE | -

Prints the declarative message (its portable form) for a payload you already send.

  --from F        auto (default): "web_push" is the standard (passed through), "default_action_url"
                  the 2023 explainer, "message" or "webpush" a Firebase Cloud Messaging HTTP v1
                  message; anything else (or any --map) your own shape, "legacy"
  --map M=P,...   legacy: read notification member M from the dot path P of the input
                  (navigate=url,title=headline,icon=image.src); unmapped members: the same name
  -h, --help      show this help

Notes (dropped members and why, send options such as TTL) and lint findings go to stderr.
exit status: 0 the result is valid under the portable profile, 1 it is not (the best-effort
             result is still printed), 2 usage or I/O error
`;

const FROM: readonly ConvertFrom[] = ['auto', 'explainer', 'fcm', 'legacy'];

export async function run(args: string[]): Promise<number> {
  try {
    const { values, positionals } = readArgs(args);
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const from = values.from ?? 'auto';
    if (!(FROM as readonly string[]).includes(from)) throw new UsageError(`--from must be ${FROM.join(', ')}, not '${from}'`);
    if (values.map !== undefined && from !== 'auto' && from !== 'legacy') throw new UsageError('--map goes with --from legacy');
    if (positionals.length !== 1) throw new UsageError('give one input: a FILE, or - for standard input');
    const input = readInput(positionals[0]!);
    const result = convertMessage(input, { from: from as ConvertFrom, ...(values.map !== undefined ? { map: readMap(values.map) } : {}) });

    process.stdout.write(`${JSON.stringify(result.message, null, 2)}\n`);
    for (const n of result.notes) process.stderr.write(`${n.path || '(input)'}: ${n.code}: ${n.reason}\n`);
    const lint = lintValue(result.message, { profile: 'portable' });
    for (const f of lint.findings.filter((x) => x.severity !== 'info')) {
      process.stderr.write(`${f.severity} ${f.code} at ${f.path || '(message)'}: ${describeFinding(f).message}\n`);
    }
    process.stderr.write(`converted from ${result.from}: ${lint.valid ? 'valid' : 'NOT valid'} under the portable profile\n`);
    return lint.valid ? 0 : 1;
  } catch (error) {
    return reportFailure('convert', error, USAGE);
  }
}

function readArgs(args: string[]) {
  try {
    return parseArgs({
      args, allowPositionals: true, strict: true,
      options: { from: { type: 'string' }, map: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `navigate=url,title=headline` -> {navigate: 'url', title: 'headline'}; only declarative members. */
function readMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [member, path, extra] = pair.split('=').map((s) => s.trim());
    if (!member || !path || extra !== undefined) throw new UsageError(`--map takes MEMBER=PATH pairs separated by commas, not '${pair}'`);
    if (!MAPPABLE_MEMBERS.includes(member)) throw new UsageError(`--map: '${member}' is not a declarative notification member (${MAPPABLE_MEMBERS.join(', ')})`);
    map[member] = path;
  }
  return map;
}

function readInput(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!isMap(value)) throw new UsageError(`${file} is not a JSON object`);
  return value;
}
