import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateAdminToken, hashAdminToken } from './admin-token.js';
import { PushError } from './push-error.js';
import { writeSecretFile } from './vapid-keys.js';

const ADMIN_TOKEN_HASH_FILE = 'admin-token.sha256';

export interface AdminToken {
  hash: Buffer;
  /** Set only when the token was generated just now: show it once, it is stored only as a hash. */
  generated?: string;
}

/** `DWP_ADMIN_TOKEN` when given; else the stored hash; else a new token (its hash stored, 0600). */
export function loadOrCreateAdminToken(dataDir: string, fromEnvironment?: string): AdminToken {
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    if (fromEnvironment.length < 16) throw new PushError('invalid-option', 'DWP_ADMIN_TOKEN must be at least 16 characters');
    return { hash: hashAdminToken(fromEnvironment) };
  }
  const file = join(dataDir, ADMIN_TOKEN_HASH_FILE);
  if (existsSync(file)) {
    const hash = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (hash.length !== 32) throw new PushError('data-dir-unusable', `${file} is damaged: delete it to get a new admin token`);
    return { hash };
  }
  return createAdminToken(dataDir);
}

/** Replaces the stored admin token with a new one (`dwpush keys --new-admin-token`). */
export function createAdminToken(dataDir: string): AdminToken & { generated: string } {
  const file = join(dataDir, ADMIN_TOKEN_HASH_FILE);
  rmSync(file, { force: true });
  const generated = generateAdminToken();
  const hash = hashAdminToken(generated);
  writeSecretFile(file, `${hash.toString('hex')}\n`);
  return { hash, generated };
}
