import { createAdminToken } from '../server/admin-token-file.js';
import { secureDataDir } from '../server/data-dir.js';
import { generateVapidKeys, loadOrCreateVapidKeys } from '../server/vapid-keys.js';
import { dataDirFlag, readFlags, reportFailure } from './command-flags.js';

const USAGE = `usage: dwpush keys [--data-dir DIR] [--json]
       dwpush keys --new [--json]
       dwpush keys --data-dir DIR --new-admin-token

  (no option)        print the data directory's VAPID public key, generating the keys on first use
  --data-dir DIR     DWP_DATA_DIR, default .dwp-data (the directory dwpush serve uses)
  --new              print a fresh VAPID key pair (public and private) and store nothing
  --new-admin-token  replace the server's admin token; the new one is printed once
  --json             print JSON
  -h, --help         show this help
`;

export async function run(args: string[]): Promise<number> {
  try {
    const flags = readFlags(args, {
      'data-dir': { type: 'string' }, new: { type: 'boolean' }, 'new-admin-token': { type: 'boolean' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (flags.new) {
      // Asked for explicitly: the private key goes to stdout for the caller to store.
      const keys = generateVapidKeys();
      process.stdout.write(flags.json ? `${JSON.stringify(keys)}\n` : `public key:  ${keys.publicKey}\nprivate key: ${keys.privateKey}\n`);
      return 0;
    }
    const dataDir = dataDirFlag(flags['data-dir']);
    secureDataDir(dataDir, []);
    if (flags['new-admin-token']) {
      const { generated } = createAdminToken(dataDir);
      process.stdout.write(flags.json ? `${JSON.stringify({ adminToken: generated })}\n` : `new admin token (shown once; restart dwpush serve to use it):\n\n  ${generated}\n`);
      return 0;
    }
    const { keys, created } = loadOrCreateVapidKeys(dataDir);
    if (flags.json) process.stdout.write(`${JSON.stringify({ publicKey: keys.publicKey, created })}\n`);
    else process.stdout.write(`${created ? 'generated VAPID keys; ' : ''}public key (applicationServerKey):\n${keys.publicKey}\n`);
    return 0;
  } catch (error) {
    return reportFailure('keys', error, USAGE);
  }
}
