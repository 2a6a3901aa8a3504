import { createECDH } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { PushError } from './push-error.js';
import { readVapidKeys, VAPID_KEYS_FILE, writeSecretFile, type VapidKeys } from './vapid-keys.js';

/**
 * Reads VAPID keys a site already has: web-push's `{"publicKey", "privateKey"}` JSON
 * (`web-push generate-vapid-keys --json`) or a `.env` file with `VAPID_PUBLIC_KEY` and
 * `VAPID_PRIVATE_KEY`. Checks they are one P-256 pair: the public key is the private key's.
 * Errors never quote the file (it holds the private key).
 */
export function readKeysToImport(file: string): VapidKeys {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PushError('invalid-vapid-keys', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const keys = text.trimStart().startsWith('{') ? fromJson(text, file) : fromEnv(text, file);
  let derived: string;
  try {
    const pair = createECDH('prime256v1');
    pair.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
    derived = pair.getPublicKey('base64url', 'uncompressed');
  } catch {
    throw new PushError('invalid-vapid-keys', `${file}: the private key is not a P-256 private key`);
  }
  if (derived !== Buffer.from(keys.publicKey, 'base64url').toString('base64url')) {
    throw new PushError('invalid-vapid-keys', `${file}: the public key is not the private key's: they are not one pair`);
  }
  return { publicKey: derived, privateKey: Buffer.from(keys.privateKey, 'base64url').toString('base64url') };
}

export type KeysImport = 'imported' | 'unchanged' | 'replaced';

/**
 * Stores `keys` as the data directory's VAPID keys (0600). The same keys already there: unchanged.
 * Different keys there: refused unless `force`, since replacing them orphans every subscription
 * made with the old ones.
 */
export function storeImportedKeys(dataDir: string, keys: VapidKeys, force: boolean): KeysImport {
  const file = join(dataDir, VAPID_KEYS_FILE);
  const content = `${JSON.stringify(keys, null, 2)}\n`;
  if (!existsSync(file)) {
    writeSecretFile(file, content);
    return 'imported';
  }
  const current = readVapidKeys(file);
  if (current.publicKey === keys.publicKey && current.privateKey === keys.privateKey) return 'unchanged';
  if (!force) {
    throw new PushError('invalid-option', `${file} holds different VAPID keys (public key ${current.publicKey}); replacing them orphans every subscription made with them. Pass --force to replace them`, { option: 'force' });
  }
  // Written beside, then renamed over: a crash leaves the old keys or the new, never half a file.
  const next = `${file}.new`;
  writeSecretFile(next, content);
  renameSync(next, file);
  return 'replaced';
}

function fromJson(text: string, file: string): VapidKeys {
  let value: { publicKey?: unknown; privateKey?: unknown };
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    throw new PushError('invalid-vapid-keys', `${file} is not JSON`);
  }
  return checkShape(value.publicKey, value.privateKey, file, '{"publicKey", "privateKey"}');
}

function fromEnv(text: string, file: string): VapidKeys {
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (match) values[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return checkShape(values.VAPID_PUBLIC_KEY, values.VAPID_PRIVATE_KEY, file, 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY');
}

function checkShape(publicKey: unknown, privateKey: unknown, file: string, expected: string): VapidKeys {
  if (typeof publicKey !== 'string' || typeof privateKey !== 'string' || !/^[A-Za-z0-9_-]+=*$/.test(publicKey) || !/^[A-Za-z0-9_-]+=*$/.test(privateKey)
    || Buffer.from(publicKey, 'base64url').length !== 65 || Buffer.from(privateKey, 'base64url').length !== 32) {
    throw new PushError('invalid-vapid-keys', `${file} must hold ${expected}: base64url P-256 keys of 65 and 32 bytes`);
  }
  return { publicKey, privateKey };
}
