#!/usr/bin/env node
/**
 * The `dwpush` command: one file per subcommand, each exporting `run(args): Promise<number>` (the
 * exit code). This file only dispatches. Every command answers `--help` and `-h` with its usage on
 * standard output and exit status 0; usage mistakes go to standard error with exit status 2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
  lint: { summary: 'check declarative push messages (dwpush lint --help)', load: () => import('./lint-command.js') },
  serve: { summary: 'run the push server (dwpush serve --help)', load: () => import('./serve-command.js') },
  send: { summary: 'send a message to a subscription or through a server (dwpush send --help)', load: () => import('./send-command.js') },
  keys: { summary: 'print or generate VAPID keys and the admin token (dwpush keys --help)', load: () => import('./keys-command.js') },
  import: { summary: 'bring existing VAPID keys and subscriptions into the data directory (dwpush import --help)', load: () => import('./import-command.js') },
  convert: { summary: 'turn an FCM, explainer or own-shape payload into a declarative message (dwpush convert --help)', load: () => import('./convert-command.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`);
  return `usage: dwpush <command> [options]\n       dwpush --version\n\ncommands:\n${lines.join('\n')}\n\nEvery command takes -h, --help: its usage on standard output.\n`;
}

function version(): string {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return `${version}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version') {
    process.stdout.write(version());
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`dwpush: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(args);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    // Expected failures are handled inside each command; this is the last guard against a stack trace.
    process.stderr.write(`dwpush: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
