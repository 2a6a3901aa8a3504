import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateAdminToken, hashAdminToken } from './admin-token.js';
import { PushError } from './push-error.js';
import { writeSecretFile } from './vapid-keys.js';

export const ADMIN_TOKEN_HASH_FILE = 'admin-token.sha256';
/** Where `dwpush serve` leaves a generated token when no terminal shows it (0600; delete it once stored). */
export const ADMIN_TOKEN_FILE = 'admin-token.txt';
/** Long enough not to be guessed at the rate limit; a generated token has 43 characters. */
const MIN_TOKEN_LENGTH = 16;

export interface AdminToken {
  hash: Buffer;
  /** Set only when the token was generated just now: show it once, it is stored only as a hash. */
  generated?: string;
}

/** `DWP_ADMIN_TOKEN` when given; else the stored hash; else a new token (its hash stored, 0600). */
export function loadOrCreateAdminToken(dataDir: string, fromEnvironment?: string): AdminToken {
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    checkAdminToken(fromEnvironment);
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

/**
 * Refuses, with the reason, a token no request could ever present or anyone could guess: white
 * space (a bearer token cannot carry it; often a copied line end) or fewer than 16 characters.
 */
export function checkAdminToken(token: string): void {
  if (/\s/.test(token)) {
    throw new PushError('invalid-option', 'DWP_ADMIN_TOKEN contains white space (a space, tab or line end, often copied with it): an Authorization: Bearer header cannot carry it, so no request could ever match; remove it');
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new PushError('invalid-option', `DWP_ADMIN_TOKEN is ${token.length} characters; at least ${MIN_TOKEN_LENGTH} are needed so it cannot be guessed`);
  }
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
