import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DWP = join(ROOT, 'dist', 'cli', 'dwpush.js');

/**
 * The built CLI (`npm test` builds first). A stale build would test old code, so this refuses to
 * run when a source file is newer than the build.
 */
export function assertBuilt(): void {
  const built = statSync(DWP, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) throw new Error('dist/cli/dwpush.js is missing: run `npm run build` first');
  for (const dir of ['cli', 'src']) {
    for (const name of readdirSync(join(ROOT, dir))) {
      if (statSync(join(ROOT, dir, name)).mtimeMs > built) throw new Error(`dist is older than ${dir}/${name}: run \`npm run build\``);
    }
  }
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function dwpush(args: string[], input?: string | Uint8Array): Run {
  const result = spawnSync(process.execPath, [DWP, ...args], { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
