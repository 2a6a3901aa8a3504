import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSecret } from './grant.js';
import { PushError } from './push-error.js';
import { writeSecretFile } from './vapid-keys.js';

export const GRANT_SECRET_FILE = 'grant-secret';
/** Where a PostgreSQL deployment keeps it (the store's shared settings), unless DWP_GRANT_SECRET is set. */
export const GRANT_SECRET_SETTING = 'grant-secret';

/**
 * The secret grants are signed with: `DWP_GRANT_SECRET` when given, else the data directory's
 * `grant-secret` (32 random bytes, base64url, created 0600 on first start). Every process that
 * mints or checks grants for one server must use the same one.
 */
export function loadOrCreateGrantSecret(dataDir: string, fromEnvironment?: string): string {
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    try {
      checkSecret(fromEnvironment);
    } catch (error) {
      throw new PushError('invalid-option', `DWP_GRANT_SECRET: ${(error as Error).message}`);
    }
    return fromEnvironment;
  }
  if (existsSync(join(dataDir, GRANT_SECRET_FILE))) return readGrantSecret(dataDir);
  const secret = randomBytes(32).toString('base64url');
  writeSecretFile(join(dataDir, GRANT_SECRET_FILE), `${secret}\n`);
  return secret;
}

/** The grant secret `dwpush serve` keeps in `dataDir`, for minting grants offline (`mintGrant`). */
export function readGrantSecret(dataDir: string): string {
  const file = join(dataDir, GRANT_SECRET_FILE);
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new PushError('data-dir-unusable', `cannot read the grant secret in ${file} (dwpush serve creates it on first start): ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  try {
    checkSecret(secret);
  } catch {
    // Never quote the file: it is the secret.
    throw new PushError('data-dir-unusable', `${file} is damaged: restore it (grants minted with it stop working if it changes)`);
  }
  return secret;
}
