import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, dwpush, ROOT } from './run-dwpush.js';

beforeAll(assertBuilt);

/** The commands `dwpush --help` lists: every one of them must answer --help the same way. */
function listedCommands(): string[] {
  const help = dwpush(['--help']).stdout;
  const section = help.slice(help.indexOf('commands:\n') + 'commands:\n'.length).split('\n\n')[0]!;
  return section.split('\n').map((line) => line.trim().split(/\s+/)[0]!).filter(Boolean);
}

describe('dwpush --help, --version and <command> --help', () => {
  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(dwpush(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the commands on stdout; no command at all is a usage mistake (stderr, exit 2)', () => {
    expect(listedCommands()).toEqual(expect.arrayContaining(['lint', 'serve', 'send', 'keys']));
    const bare = dwpush([]);
    expect(bare.status).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('usage: dwpush <command>');
  });

  it('every listed command answers --help and -h with its usage on stdout and exit 0', () => {
    for (const command of listedCommands()) {
      for (const flag of ['--help', '-h']) {
        const run = dwpush([command, flag]);
        expect({ command, flag, status: run.status, stderr: run.stderr }).toEqual({ command, flag, status: 0, stderr: '' });
        expect(run.stdout).toMatch(new RegExp(`^usage: dwpush ${command}\\b`));
        expect(run.stdout).toContain('-h, --help');
      }
    }
  });
});
