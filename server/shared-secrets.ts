import { generateAdminToken, hashAdminToken } from './admin-token.js';
import type { AdminToken } from './admin-token-file.js';
import type { Store } from './store/store.js';
import { checkVapidKeys, generateVapidKeys, type VapidKeys } from './vapid-keys.js';

/**
 * The VAPID keys every process on one database serves: given (DWP_VAPID_PUBLIC_KEY and
 * DWP_VAPID_PRIVATE_KEY override), else the database's, else new ones that the first process to
 * start stores (the others read them: one set of keys however many start at once).
 */
export async function sharedVapidKeys(store: Store, given?: VapidKeys): Promise<{ keys: VapidKeys; created: boolean }> {
  if (given) return { keys: checkVapidKeys(given, 'DWP_VAPID_PUBLIC_KEY and DWP_VAPID_PRIVATE_KEY'), created: false };
  const { value, inserted } = await store.settingOrInsert('vapid-keys', JSON.stringify(generateVapidKeys()));
  return { keys: checkVapidKeys(JSON.parse(value) as Partial<VapidKeys>, 'the database setting vapid-keys'), created: inserted };
}

/** The admin token's hash, shared the same way: DWP_ADMIN_TOKEN, else the database's, else a new one shown once by the process that made it. */
export async function sharedAdminToken(store: Store, given?: string): Promise<AdminToken> {
  if (given) return { hash: hashAdminToken(given) };
  const generated = generateAdminToken();
  const { value, inserted } = await store.settingOrInsert('admin-token-sha256', hashAdminToken(generated).toString('hex'));
  return inserted ? { hash: Buffer.from(value, 'hex'), generated } : { hash: Buffer.from(value, 'hex') };
}
