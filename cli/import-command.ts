import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { secureDataDir } from '../server/data-dir.js';
import { importSubscriptions } from '../server/import-subscriptions.js';
import { readKeysToImport, storeImportedKeys } from '../server/import-vapid-keys.js';
import { createPushOriginGuard } from '../server/push-origin-guard.js';
import { loadSqliteStore, openDataDir } from '../server/start-server.js';
import { dataDirFlag, readFlags, reportFailure, UsageError } from './command-flags.js';

const USAGE = `usage: dwpush import [--data-dir DIR] --keys FILE [--force]
       dwpush import [--data-dir DIR] --subscriptions FILE|- [--allow-push-origin O]...

  --keys FILE             your VAPID keys: web-push's {"publicKey", "privateKey"} JSON, or a .env
                          file with VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY; checked to be one P-256 pair
  --force                 replace different keys already in the data directory (this orphans every
                          subscription made with them)
  --subscriptions FILE    JSON Lines or a JSON array of PushSubscription.toJSON() objects, each
                          optionally with "channels"; "-" reads standard input. Upserted by endpoint
                          through the same checks as POST /api/subscriptions
  --allow-push-origin O   also accept endpoints on this exact origin (repeatable; as for serve)
  --data-dir DIR          DWP_DATA_DIR, default .dwp-data (the directory dwpush serve uses)
  -h, --help              show this help

exit status: 0 done (refused records are counted, not fatal), 1 the keys were refused,
             2 usage or I/O error
`;

export async function run(args: string[]): Promise<number> {
  try {
    const flags = readFlags(args, {
      keys: { type: 'string' }, force: { type: 'boolean' }, subscriptions: { type: 'string' },
      'allow-push-origin': { type: 'string', multiple: true }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (!flags.keys && !flags.subscriptions) throw new UsageError('give --keys FILE, --subscriptions FILE, or both');
    const dataDir = dataDirFlag(flags['data-dir']);
    if (flags.keys) {
      const keys = readKeysToImport(flags.keys); // checked before the data directory is touched
      secureDataDir(dataDir, []);
      const outcome = storeImportedKeys(dataDir, keys, flags.force === true);
      process.stdout.write(`keys ${outcome}: public key ${keys.publicKey}\n`);
    }
    if (flags.subscriptions) {
      const guard = createPushOriginGuard(flags['allow-push-origin'] ?? []);
      const Store = await loadSqliteStore();
      const input = await openInput(flags.subscriptions);
      const store = openDataDir(Store, dataDir);
      const started = performance.now();
      try {
        const counts = await importSubscriptions(input, store, guard);
        const seconds = ((performance.now() - started) / 1000).toFixed(2);
        const reasons = Object.entries(counts.refusedBy).map(([code, n]) => `${n} ${code}`).join(', ');
        process.stdout.write(`subscriptions: ${counts.imported} imported, ${counts.updated} updated, ${counts.refused} refused${reasons ? ` (${reasons})` : ''} in ${seconds} s\n`);
        for (const r of counts.firstRefusals) process.stdout.write(`  line ${r.line}: ${r.code}: ${r.message}\n`);
      } finally {
        await store.close();
      }
    }
    return 0;
  } catch (error) {
    return reportFailure('import', error, USAGE);
  }
}

/** The file as a stream, opened before anything is written so a missing file changes nothing. */
async function openInput(file: string): Promise<Readable> {
  if (file === '-') return process.stdin;
  const stream = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`cannot read --subscriptions ${file}: ${error.code ?? error.message}`)));
  });
  return stream;
}
