/** Runs the real `dwpush serve` in a child process (from source, through tsx) and waits until it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockPushService, type MockPushService } from './mock-push-service.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code or signal once the process ended. */
  exited: Promise<number | string>;
}

export function runDwp(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'cli/dwpush.ts', ...args], {
    cwd: root,
    env: { ...process.env, DWP_ADMIN_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function spawnServer(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<ServerProcess> {
  const child = runDwp(['serve', '--port', '0', ...args], env);
  let output = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start:\n${output}`)); }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${output}`)); });
  });
}

/** Polls until `check` returns a value, at most `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Suite fixtures for tests that run the real server: a mock push service, a temp data dir, and
 * the spawned servers, all cleaned up after the suite.
 */
export function useServerFixtures(prefix: string, hooks: { beforeAll: (fn: () => Promise<void>) => void; afterAll: (fn: () => Promise<void>) => void }) {
  const fixtures = { mock: undefined as unknown as MockPushService, dir: '', servers: [] as ServerProcess[] };
  hooks.beforeAll(async () => {
    fixtures.mock = await startMockPushService();
    fixtures.dir = mkdtempSync(join(tmpdir(), prefix));
  });
  hooks.afterAll(async () => {
    for (const s of fixtures.servers) s.child.kill('SIGKILL');
    await fixtures.mock.close();
    rmSync(fixtures.dir, { recursive: true, force: true });
  });
  return fixtures;
}

/** Runs one `dwpush` command to its end and collects its exit code and output. */
export function runDwpToEnd(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = runDwp(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c; });
  child.stderr!.on('data', (c: Buffer) => { stderr += c; });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}
