import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, shellQuote } from '../../server/public/curl-command.js';

/** Runs the command in a real POSIX shell with `curl` replaced by a function that prints its arguments. */
function argumentsOf(command: string, env: Record<string, string> = {}): string[] {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}`;
  const out = execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const URL_ = 'http://127.0.0.1:8080/api/notifications';

describe('copy as curl', () => {
  it('posts the request the page would send, the message inlined token for token, the token read from $DWP_ADMIN_TOKEN', () => {
    const message = '{"web_push":8030,"notification":{"title":"It\'s here","title":"twice","navigate":"https://a.example/$HOME"}}';
    const command = curlCommand(URL_, { message, channel: 'news' });
    expect(command).not.toContain('secret');
    const args = argumentsOf(command, { DWP_ADMIN_TOKEN: 'secret-token-0123456789' });
    expect(args.slice(0, 3)).toEqual(['-X', 'POST', URL_]);
    expect(args).toContain('Authorization: Bearer secret-token-0123456789');
    expect(args).toContain('Content-Type: application/json');
    const body = args[args.indexOf('--data-binary') + 1]!;
    expect(JSON.parse(body)).toEqual({ message: JSON.parse(message), channel: 'news' });
    // Duplicate members and $-strings arrive as written: the shell expands nothing inside the body.
    expect(body).toContain('"title": "It\'s here",');
    expect(body).toContain('"navigate": "https://a.example/$HOME"');
  });

  it('text that is not JSON travels as the string it is', () => {
    const args = argumentsOf(curlCommand(URL_, { message: "plain 'text'" }));
    expect(JSON.parse(args[args.indexOf('--data-binary') + 1]!)).toEqual({ message: "plain 'text'" });
  });

  it('shellQuote survives quotes, newlines and $', () => {
    const text = "a'b\"c\n$HOME `x` \\";
    expect(argumentsOf(`curl ${shellQuote(text)}`)).toEqual([text]);
  });
});
