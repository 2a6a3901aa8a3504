import { availableParallelism } from 'node:os';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ADMIN_TOKEN_FILE } from '../server/admin-token-file.js';
import { DEFAULT_CLIENT_RATE_LIMIT } from '../server/client-rate-limit.js';
import { DEFAULT_CONCURRENCY } from '../server/origin-lanes.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, startServer } from '../server/start-server.js';
import { isChannelName } from '../server/subscription-input.js';
import { writeSecretFile } from '../server/vapid-keys.js';
import { dataDirFlag, DEFAULT_VAPID_SUBJECT, flagOrEnv, readFlags, readInteger, reportFailure, UsageError } from './command-flags.js';
import { packageRoot } from './package-root.js';

const USAGE = `usage: dwpush serve [options]

Runs the push server: subscriptions and broadcasts in SQLite under --data-dir (or in PostgreSQL
with --database, shared by any number of processes), VAPID keys generated on first start, the
demo page at /.

  --port N                  DWP_PORT                 listen port (default 8080)
  --host ADDR               DWP_HOST                 listen address (default 127.0.0.1)
  --data-dir DIR            DWP_DATA_DIR             database and keys (default .dwp-data)
  --database URL            DWP_DATABASE_URL         postgres://... : store, job queue, keys and token in PostgreSQL
                                                     instead of --data-dir (needs the packages pg and pg-boss)
  --role R                  DWP_ROLE                 all (default), api (HTTP API only) or worker (sends only;
                                                     serves /api/health); api and worker need --database
  --batches N               DWP_BATCHES              batches of 500 deliveries this process runs at once (default 8)
  --subject URL             DWP_VAPID_SUBJECT        VAPID contact, mailto: or https: (default mailto:webpush@localhost)
  --allow-push-origin O     DWP_ALLOW_PUSH_ORIGIN    also accept endpoints on this exact origin (repeatable;
                                                     the variable takes a comma-separated list); http: only on loopback
  --concurrency N           DWP_CONCURRENCY          most requests in flight per push service (default 256)
  --max-attempts N          DWP_MAX_ATTEMPTS         attempts per delivery before it counts as failed (default 5)
  --timeout-ms N            DWP_TIMEOUT_MS           push service answer timeout (default 30000)
  --workers N               DWP_WORKERS              encryption worker threads (default: cores - 1, at most 4)
  --client-rate-limit N     DWP_CLIENT_RATE_LIMIT    requests a minute per client address on the open routes
                                                     (subscribe, unsubscribe, lint); over it 429 (default 120, 0: off)
  --trust-proxy             DWP_TRUST_PROXY=1        behind one reverse proxy: the client is the last X-Forwarded-For address
  --shutdown-timeout-ms N   DWP_SHUTDOWN_TIMEOUT_MS  on SIGTERM/SIGINT, how long requests in flight may finish before they
                                                     are cut off (default 10000, at most 30000); queued ones stay pending
  --public-dir DIR          DWP_PUBLIC_DIR           static files served at / (default server/public)
  --polyfill-dir DIR        DWP_POLYFILL_DIR         built polyfill scripts (default dist/polyfill)
  --public-channel NAME     DWP_PUBLIC_CHANNELS      a channel any browser may join without a grant (repeatable;
                                                     the variable takes a comma-separated list)
  --log-format F            DWP_LOG_FORMAT           text (default) or json: one JSON object a line
                            DWP_VAPID_PUBLIC_KEY     with DWP_VAPID_PRIVATE_KEY: the VAPID keys (base64url), over the stored ones
                            DWP_ADMIN_TOKEN          admin token, at least 16 characters, no white space (else generated on
                                                     first start: shown once on a terminal (stderr), or written to
                                                     DIR/admin-token.txt, mode 0600, when there is none)
                            DWP_GRANT_SECRET         secret grants are signed with, at least 32 characters (else
                                                     generated in the data dir, 0600)
  -h, --help                                         show this help
`;

export async function run(args: string[]): Promise<number> {
  let server;
  let log: (line: string) => void = () => {};
  let shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;
  try {
    const flags = readFlags(args, {
      port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, subject: { type: 'string' },
      'allow-push-origin': { type: 'string', multiple: true }, concurrency: { type: 'string' },
      'max-attempts': { type: 'string' }, 'timeout-ms': { type: 'string' }, workers: { type: 'string' },
      'public-dir': { type: 'string' }, 'polyfill-dir': { type: 'string' }, 'public-channel': { type: 'string', multiple: true },
      'log-format': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      'client-rate-limit': { type: 'string' }, 'trust-proxy': { type: 'boolean' }, 'shutdown-timeout-ms': { type: 'string' },
      database: { type: 'string' }, role: { type: 'string' }, batches: { type: 'string' },
    });
    if (flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const root = packageRoot();
    const origins = flags['allow-push-origin'] ?? (process.env.DWP_ALLOW_PUSH_ORIGIN ?? '').split(/[\s,]+/).filter(Boolean);
    const subject = flagOrEnv(flags.subject, 'DWP_VAPID_SUBJECT', DEFAULT_VAPID_SUBJECT);
    const dataDir = dataDirFlag(flags['data-dir']);
    const publicChannels = flags['public-channel'] ?? (process.env.DWP_PUBLIC_CHANNELS ?? '').split(/[\s,]+/).filter(Boolean);
    const badChannel = publicChannels.find((name) => !isChannelName(name));
    if (badChannel !== undefined) throw new UsageError(`--public-channel must be a name of 1 to 64 characters (A-Z a-z 0-9 . _ : -), got "${badChannel}"`);
    log = logger(flagOrEnv(flags['log-format'], 'DWP_LOG_FORMAT', 'text'));
    shutdownTimeoutMs = readInteger(flagOrEnv(flags['shutdown-timeout-ms'], 'DWP_SHUTDOWN_TIMEOUT_MS', String(DEFAULT_SHUTDOWN_TIMEOUT_MS)), '--shutdown-timeout-ms', 0, 30_000)!;
    const databaseUrl = flagOrEnv(flags.database, 'DWP_DATABASE_URL');
    if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError('--database must be a postgres:// or postgresql:// URL');
    const role = flagOrEnv(flags.role, 'DWP_ROLE', 'all');
    if (role !== 'all' && role !== 'api' && role !== 'worker') throw new UsageError(`--role must be all, api or worker, got "${role}"`);
    if (role !== 'all' && databaseUrl === undefined) throw new UsageError(`--role ${role} needs --database: processes share work through PostgreSQL`);
    const publicKey = process.env.DWP_VAPID_PUBLIC_KEY;
    const privateKey = process.env.DWP_VAPID_PRIVATE_KEY;
    if (!publicKey !== !privateKey) throw new UsageError('DWP_VAPID_PUBLIC_KEY and DWP_VAPID_PRIVATE_KEY go together: set both or neither');
    server = await startServer({
      ...(databaseUrl ? { databaseUrl } : {}),
      role,
      batchConcurrency: readInteger(flagOrEnv(flags.batches, 'DWP_BATCHES', '8'), '--batches', 1, 256)!,
      ...(publicKey && privateKey ? { vapidKeys: { publicKey, privateKey } } : {}),
      port: readInteger(flagOrEnv(flags.port, 'DWP_PORT', '8080'), '--port', 0, 65535)!,
      host: flagOrEnv(flags.host, 'DWP_HOST', '127.0.0.1'),
      dataDir,
      subject,
      allowPushOrigins: origins,
      concurrency: readInteger(flagOrEnv(flags.concurrency, 'DWP_CONCURRENCY', String(DEFAULT_CONCURRENCY)), '--concurrency', 1, 1024)!,
      maxAttempts: readInteger(flagOrEnv(flags['max-attempts'], 'DWP_MAX_ATTEMPTS', '5'), '--max-attempts', 1, 100)!,
      timeoutMs: readInteger(flagOrEnv(flags['timeout-ms'], 'DWP_TIMEOUT_MS', '30000'), '--timeout-ms', 100, 600_000)!,
      workers: readInteger(flagOrEnv(flags.workers, 'DWP_WORKERS', String(defaultWorkers())), '--workers', 0, 16)!,
      clientRateLimit: readInteger(flagOrEnv(flags['client-rate-limit'], 'DWP_CLIENT_RATE_LIMIT', String(DEFAULT_CLIENT_RATE_LIMIT)), '--client-rate-limit', 0, 1_000_000)!,
      trustProxy: flags['trust-proxy'] ?? process.env.DWP_TRUST_PROXY === '1',
      shutdownTimeoutMs,
      ...(process.env.DWP_ADMIN_TOKEN ? { adminToken: process.env.DWP_ADMIN_TOKEN } : {}),
      ...(process.env.DWP_GRANT_SECRET ? { grantSecret: process.env.DWP_GRANT_SECRET } : {}),
      publicChannels,
      publicDir: resolve(flagOrEnv(flags['public-dir'], 'DWP_PUBLIC_DIR', join(root, 'server', 'public'))),
      polyfillDir: resolve(flagOrEnv(flags['polyfill-dir'], 'DWP_POLYFILL_DIR', join(root, 'dist', 'polyfill'))),
      log,
    });
    if (subject === DEFAULT_VAPID_SUBJECT) log(`VAPID subject is the placeholder ${DEFAULT_VAPID_SUBJECT}: set --subject to a contact address before production (Apple's push service checks it)`);
    if (server.generatedAdminToken) showGeneratedToken(server.generatedAdminToken, dataDir, server.url, log);
    log(`listening on ${server.url} (${databaseUrl ? `role ${role}, data in PostgreSQL at ${redactUrl(databaseUrl)}` : `data in ${dataDir}`})`);
  } catch (error) {
    return reportFailure('serve', error, USAGE);
  }
  const running = server;
  return new Promise((done) => {
    const shutdown = (signal: NodeJS.Signals) => {
      process.off('SIGINT', shutdown).off('SIGTERM', shutdown);
      // A second signal means now: what is in flight stays pending, as after a crash.
      process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
      log(`${signal}: stopping; requests in flight finish (at most ${shutdownTimeoutMs} ms), queued deliveries stay pending`);
      const started = Date.now();
      void running.close().then(() => {
        log(`stopped in ${Date.now() - started} ms`);
        done(0);
      }, () => done(1));
    };
    process.on('SIGINT', shutdown).on('SIGTERM', shutdown);
  });
}

/** Log lines as text (`<time> <line>`) or, for log collectors, JSON objects `{"time", "message"}`. */
function logger(format: string): (line: string) => void {
  if (format === 'text') return (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  if (format === 'json') return (line) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), message: line })}\n`);
  throw new UsageError(`--log-format must be text or json, got "${format}"`);
}

/**
 * One core drives sockets and SQLite, the others encrypt. On 2 cores, 1 worker doubled the
 * throughput of 0 and beat 2 (npm run bench:send, README.md#push-server).
 */
function defaultWorkers(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

/**
 * A generated admin token goes to the person at the terminal (stderr), never to the log stream
 * (stdout, often collected); with no terminal, to a file only the owner can read (0600), which the
 * log names. Only the token's hash is kept otherwise (admin-token-file.ts).
 */
function showGeneratedToken(token: string, dataDir: string, url: string, log: (line: string) => void): void {
  const usage = `Send with: DWP_ADMIN_TOKEN=<token> dwpush send --server ${url} --message FILE`;
  if (process.stderr.isTTY) {
    process.stderr.write(`\nAdmin token (shown once; only its hash is stored, in ${dataDir}):\n\n  ${token}\n\n${usage}\n\n`);
    return;
  }
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // with --database, nothing else made it
  rmSync(file, { force: true });
  writeSecretFile(file, `${token}\n`);
  log(`generated an admin token: no terminal to show it on, so it is in ${file} (mode 0600); store it elsewhere and delete the file. ${usage}`);
}

/** The database URL for the log: host, port and database, never the password. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the given URL';
  }
}
