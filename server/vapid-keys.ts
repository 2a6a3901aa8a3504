import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';
import { PushError } from './push-error.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export const VAPID_KEYS_FILE = 'vapid-keys.json';

/** New P-256 keys from web-push (base64url: the public key is what `applicationServerKey` takes). */
export function generateVapidKeys(): VapidKeys {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { publicKey, privateKey };
}

/**
 * The data directory's VAPID keys, generated on first use and written readable by the owner only
 * (0600): changing them later orphans every subscription (spec-notes.md#push-server).
 */
export function loadOrCreateVapidKeys(dataDir: string): { keys: VapidKeys; created: boolean } {
  const file = join(dataDir, VAPID_KEYS_FILE);
  if (existsSync(file)) return { keys: readVapidKeys(file), created: false };
  const keys = generateVapidKeys();
  writeSecretFile(file, `${JSON.stringify(keys, null, 2)}\n`);
  return { keys, created: true };
}

export function readVapidKeys(file: string): VapidKeys {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PushError('invalid-vapid-keys', `cannot read the VAPID keys in ${file}: ${(error as Error).message}`);
  }
  let value: Partial<VapidKeys>;
  try {
    value = JSON.parse(text) as Partial<VapidKeys>;
  } catch {
    // V8's message quotes the text around the error, which here would be part of the private key.
    throw new PushError('invalid-vapid-keys', `${file} is not JSON`);
  }
  return checkVapidKeys(value, file);
}

/** The keys when both are base64url P-256 keys of 65 and 32 bytes; else invalid-vapid-keys naming `where` (never the key). */
export function checkVapidKeys(value: Partial<VapidKeys>, where: string): VapidKeys {
  const { publicKey, privateKey } = value;
  if (typeof publicKey !== 'string' || Buffer.from(publicKey, 'base64url').length !== 65
    || typeof privateKey !== 'string' || Buffer.from(privateKey, 'base64url').length !== 32) {
    throw new PushError('invalid-vapid-keys', `${where} must hold {"publicKey", "privateKey"}: base64url P-256 keys of 65 and 32 bytes`);
  }
  return { publicKey, privateKey };
}

/** Creates a file only its owner can read; never overwrites one. */
export function writeSecretFile(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
}
