import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PushError } from './push-error.js';

/**
 * Makes the data directory private, whatever existed before: the directory 0700, and each file it
 * holds that the server wrote (`files`: the database and its WAL/SHM, the keys, the token hash)
 * 0600. Subscriptions are secrets (whoever has an endpoint and its keys can push to it), so a
 * directory left 0755 by an earlier tool is not good enough. Throws `data-dir-unusable` saying
 * why when it cannot (spec-notes.md#push-server, files).
 */
export function secureDataDir(dir: string, files: readonly string[]): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    for (const name of files) {
      const file = join(dir, name);
      if (existsSync(file)) chmodSync(file, 0o600);
    }
  } catch (error) {
    throw new PushError('data-dir-unusable', `cannot make the data directory ${dir} private (0700, its files 0600): ${(error as Error).message}`);
  }
  const mode = statSync(dir).mode & 0o777;
  if (mode !== 0o700) throw new PushError('data-dir-unusable', `the data directory ${dir} is mode ${mode.toString(8)} after chmod 700: use a file system that keeps modes`);
}

/**
 * Creates `file` empty with mode 0600 unless it exists. SQLite gives the WAL and SHM files it
 * creates the mode of the database file, so a database created this way keeps all three private.
 */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}
