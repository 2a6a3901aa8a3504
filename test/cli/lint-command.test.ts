import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, dwpush, ROOT } from './run-dwpush.js';

let dir: string;
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const json = (run: { stdout: string }) => JSON.parse(run.stdout) as Array<{ file: string; format: string | null; valid: boolean; findings: Array<Record<string, unknown>> }>;
const MINIMAL = '{"web_push":8030,"notification":{"title":"Hi","navigate":"https://example.com/"}}';
const STACK_TRACE = /\n\s+at /;

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'dwp-lint-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dwpush lint: output', () => {
  it('prints compiler-style lines with the position of each member, then the hint', () => {
    const path = file('typed.json', '{\n  "web_push": 8030,\n  "notification": {\n    "navigate": 42,\n    "title": "t"\n  }\n}\n');
    const run = dwpush(['lint', path]);
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`${path}:4:5  error  navigate-not-a-string  \`notification.navigate\` is a number, not a string`);
    expect(lines[1]).toMatch(/^ {4}Write the URL as a string/);
    expect(run.stdout).toContain('1 file: 1 not valid (1 error, 0 warnings, 0 info)');
    expect(run.stdout).not.toContain('\u001b['); // no colour: stdout is a pipe
  });

  it('points a missing member at its parent object, and a syntax error at the offending character', () => {
    const missing = file('missing.json', '{"web_push": 8030,\n "notification": {"navigate": "https://example.com/"}}');
    expect(dwpush(['lint', missing]).stdout).toContain(`${missing}:2:2  error  title-missing`);
    const broken = file('broken.json', '{\n  "web_push": 8030,\n  "notification": }\n');
    expect(dwpush(['lint', broken]).stdout).toContain(`${broken}:3:19  error  json-syntax`);
  });

  it('prints one JSON array with exactly the contract fields under --format json', () => {
    const good = file('good.json', MINIMAL);
    const relative = file('relative.json', MINIMAL.replace('https://example.com/', '/inbox'));
    const run = dwpush(['lint', '--format', 'json', good, relative]);
    expect(run.status).toBe(1);
    expect(json(run)).toEqual([
      { file: good, format: 'standard', valid: true, findings: [] },
      {
        file: relative, format: 'standard', valid: false,
        findings: [{ code: 'url-relative', severity: 'error', path: '/notification/navigate', message: '`notification.navigate` "/inbox" is a relative URL', line: 1, column: 47 }],
      },
    ]);
  });

  it('applies --profile, --as and --base-url', () => {
    const relative = file('scope.json', MINIMAL.replace('https://example.com/', 'inbox'));
    expect(dwpush(['lint', '--profile', 'spec', relative]).status).toBe(0);
    const run = dwpush(['lint', '--base-url', 'https://app.example/scope/', relative]);
    expect(run.stdout).toContain('https://app.example/scope/inbox');
    const explainer = dwpush(['lint', '--format', 'json', '--as', 'explainer', relative]);
    expect(json(explainer)[0]).toMatchObject({ format: 'explainer', valid: false });
  });

  it('reads standard input for -', () => {
    const run = dwpush(['lint', '--format', 'json', '-'], MINIMAL);
    expect(run.status).toBe(0);
    expect(json(run)[0]).toMatchObject({ file: '<stdin>', valid: true });
  });

  it('colours severities on a terminal (util-linux `script` gives it one), unless NO_COLOR is set', () => {
    const path = file('tty.json', '{"web_push":8030,"notification":{"title":""}}');
    const onTTY = (env: NodeJS.ProcessEnv) =>
      spawnSync('script', ['-qec', `"${process.execPath}" dist/cli/dwpush.js lint "${path}"`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env }).stdout;
    const { NO_COLOR: _, ...env } = process.env;
    expect(onTTY(env)).toContain('\u001b[31merror\u001b[39m');
    expect(onTTY({ ...env, NO_COLOR: '1' })).not.toContain('\u001b[');
  });

  it('stops quietly when the reader closes the pipe early', () => {
    const files = Array.from({ length: 200 }, (_, i) => file(`pipe-${i}.json`, '{"web_push":8030,"notification":{"title":""}}'));
    const run = spawnSync('sh', ['-c', `"${process.execPath}" dist/cli/dwpush.js lint "$@" | head -c 1 >/dev/null`, 'sh', ...files], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
  });

  it('prints help', () => {
    const run = dwpush(['lint', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--profile spec|portable');
  });
});

describe('dwpush lint: exit status 2 with one line for usage and I/O errors', () => {
  it.each([
    [['lint'], /no input/],
    [['lint', '--profile', 'strict', 'x.json'], /--profile must be spec or portable, not 'strict'/],
    [['lint', '--as', 'json', 'x.json'], /--as must be auto or standard or explainer/],
    [['lint', '--format', 'xml', 'x.json'], /--format must be text or json/],
    [['lint', '--base-url', 'not a url', 'x.json'], /--base-url must be an absolute URL/],
    [['lint', '--max-actions', 'two', 'x.json'], /--max-actions must be a whole number/],
    [['lint', '--colour', 'x.json'], /unknown or incomplete option '--colour'/],
    [['lint', '--max-bytes', '4MB', 'x.json'], /--max-bytes must be a whole number of bytes/],
  ])('%j', (args, error) => {
    const run = dwpush(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(error);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reports a missing file, a directory and a path through a file, and still lints the rest', () => {
    const good = file('fine.json', MINIMAL);
    const sub = join(dir, 'a-directory');
    mkdirSync(sub, { recursive: true });
    const run = dwpush(['lint', '--format', 'json', join(dir, 'nope.json'), sub, `${good}/x`, good]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      `dwpush lint: cannot read ${join(dir, 'nope.json')}: no such file`,
      `dwpush lint: cannot read ${sub}: is a directory`,
      `dwpush lint: cannot read ${good}/x: a part of the path is not a directory`,
    ]);
    expect(json(run).map((r) => r.file)).toEqual([good]);
  });
});

describe('dwpush lint: inputs it cannot bound are refused, exit 2, and it always ends', () => {
  it('/dev/zero (a character device that never ends) is refused without reading it', () => {
    const run = dwpush(['lint', '/dev/zero']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('dwpush lint: cannot read /dev/zero: not a regular file (a character device): its size cannot be known, so it is not read; pipe it to "dwpush lint -" with a bound instead\n');
  });

  it('a FIFO is refused without opening it (opening would wait for a writer forever)', () => {
    const fifo = join(dir, 'a-fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const run = dwpush(['lint', fifo]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a regular file (a FIFO)');
  });

  it('an input over --max-bytes is not linted: a file, and standard input fed from /dev/zero', () => {
    const path = file('eleven.json', '{"a":"1234"}');
    const run = dwpush(['lint', '--max-bytes', '11', path]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`dwpush lint: cannot read ${path}: over --max-bytes 11: not linted (a declarative message fits 3993 bytes)\n`);
    expect(dwpush(['lint', '--max-bytes', '12', path]).status).toBe(1);
    // The default bound ends a stream that never would.
    const zero = spawnSync('sh', ['-c', `"${process.execPath}" "${join(ROOT, 'dist', 'cli', 'dwpush.js')}" lint - < /dev/zero`], { encoding: 'utf8', timeout: 20_000 });
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain('cannot read -: over --max-bytes 4194304');
  });
});

describe('dwpush lint: hostile input gets a finding, never a stack trace', () => {
  const lintOne = (name: string, content: string | Uint8Array) => {
    const run = dwpush(['lint', '--format', 'json', file(name, content)]);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    return { status: run.status, result: json(run)[0]! };
  };
  const codes = (r: { findings: Array<Record<string, unknown>> }) => r.findings.map((f) => f.code);

  it('an empty file', () => {
    const { status, result } = lintOne('empty.json', '');
    expect(status).toBe(1);
    expect(codes(result)).toEqual(['empty-input']);
  });

  it('invalid UTF-8, located at the bad byte', () => {
    const { result } = lintOne('latin1.json', Buffer.concat([Buffer.from('{"web_push":8030,\n"x":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
    expect(result.findings).toContainEqual(expect.objectContaining({ code: 'invalid-utf8', severity: 'error', line: 2, column: 9 }));
  });

  it('a byte-order mark', () => {
    const { status, result } = lintOne('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MINIMAL)]));
    expect(status).toBe(0);
    expect(result).toMatchObject({ format: 'standard', valid: true, findings: [] });
  });

  it('50 MB of JSON, with --max-bytes raised to take it', () => {
    const big = `{"web_push":8030,"notification":{"title":"","navigate":"https://example.com/","data":"${'x'.repeat(50 * 1024 * 1024)}"}}`;
    const run = dwpush(['lint', '--format', 'json', '--max-bytes', String(60 * 1024 * 1024), file('big.json', big)]);
    expect(run.status).toBe(1);
    const result = json(run)[0]!;
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'payload-too-large', line: 1, column: 1 }),
      expect.objectContaining({ code: 'title-empty', line: 1, column: 34 }),
    ]);
  });

  it('100,000 levels of nesting', () => {
    const { status, result } = lintOne('deep.json', `{"web_push":8030,"notification":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(status).toBe(1);
    expect(codes(result)).toEqual(['nesting-too-deep', 'payload-too-large']);
  });

  it('__proto__ keys', () => {
    const payload = '{"__proto__":{"web_push":1},"web_push":8030,"notification":{"__proto__":{"title":5},"title":"t","navigate":"https://example.com/","dir":"up"}}';
    const { status, result } = lintOne('proto.json', payload);
    expect(status).toBe(1);
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'legacy-fields', path: '', severity: 'info' }),
      expect.objectContaining({ code: 'dir-invalid', path: '/notification/dir', line: 1, column: 131 }),
    ]);
  });
});
