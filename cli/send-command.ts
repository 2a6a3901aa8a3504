import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFinding } from '../src/describe-finding.js';
import type { Finding } from '../src/finding.js';
import { preparePayload } from '../server/prepare-payload.js';
import { isPushError, PushError } from '../server/push-error.js';
import { createPushOriginGuard } from '../server/push-origin-guard.js';
import type { Urgency } from '../server/push-request.js';
import { readSubscription } from '../server/subscription-input.js';
import { sendNotification } from '../server/send-notification.js';
import { readVapidKeys, VAPID_KEYS_FILE } from '../server/vapid-keys.js';
import { dataDirFlag, DEFAULT_VAPID_SUBJECT, flagOrEnv, readFlags, readInteger, reportFailure, UsageError } from './command-flags.js';
import { renderProgress } from './progress-bar.js';

const USAGE = `usage: dwpush send --message FILE --subscription FILE [options]
       dwpush send --message FILE --server URL [--channel NAME] [options]

  --message FILE          the declarative message (standard, or the 2023 explainer shape: converted)
  --legacy FILE           a JSON object of top-level fields for service workers without the polyfill
                          (a hybrid payload: they get these, updated workers the declarative message)
  --subscription FILE     one PushSubscription JSON: send to it directly, with the keys of --data-dir
  --server URL            a running dwpush serve: broadcast through it (needs DWP_ADMIN_TOKEN)
  --channel NAME          only the server's subscribers of this channel
  --ttl SECONDS           how long the push service keeps it (default 2419200, four weeks)
  --urgency U             very-low, low, normal or high
  --topic T               replaces an undelivered message with the same topic (1-32 base64url chars)
  --data-dir DIR          DWP_DATA_DIR: where the VAPID keys are (default .dwp-data)
  --subject URL           DWP_VAPID_SUBJECT (default mailto:webpush@localhost)
  --allow-push-origin O   also accept endpoints on this exact origin (repeatable)
  --no-wait               with --server: return once the broadcast is queued
  -h, --help              show this help
`;

export async function run(args: string[]): Promise<number> {
  try {
    const flags = readFlags(args, {
      message: { type: 'string' }, legacy: { type: 'string' }, subscription: { type: 'string' }, server: { type: 'string' }, channel: { type: 'string' },
      ttl: { type: 'string' }, urgency: { type: 'string' }, topic: { type: 'string' }, 'data-dir': { type: 'string' },
      subject: { type: 'string' }, 'allow-push-origin': { type: 'string', multiple: true }, 'no-wait': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (!flags.message) throw new UsageError('--message FILE is required');
    if (Boolean(flags.subscription) === Boolean(flags.server)) throw new UsageError('give exactly one of --subscription FILE and --server URL');
    if (flags.channel && !flags.server) throw new UsageError('--channel goes with --server');
    const messageText = readInput(flags.message, '--message');
    const options = {
      ...(flags.ttl !== undefined ? { ttl: readInteger(flags.ttl, '--ttl', 0, 2 ** 31 - 1)! } : {}),
      ...(flags.urgency !== undefined ? { urgency: flags.urgency as Urgency } : {}),
      ...(flags.topic !== undefined ? { topic: flags.topic } : {}),
    };
    const legacy = flags.legacy === undefined ? undefined : parseJson(readInput(flags.legacy, '--legacy'), '--legacy') as Record<string, unknown>;
    preparePayload(messageText, { legacy }); // the same check the server makes, with the findings printed here
    // The text as it is: the server reads it as the check above did (a leading BOM too).
    if (flags.server) return await broadcast(flags.server, messageText, { ...options, legacy, channel: flags.channel }, !flags['no-wait']);

    const subscription = readSubscription(parseJson(readInput(flags.subscription!, '--subscription'), '--subscription'));
    const dataDir = dataDirFlag(flags['data-dir']);
    const keys = readVapidKeys(join(dataDir, VAPID_KEYS_FILE));
    const result = await sendNotification(subscription, messageText, {
      ...options,
      legacy,
      vapid: { subject: flagOrEnv(flags.subject, 'DWP_VAPID_SUBJECT', DEFAULT_VAPID_SUBJECT), ...keys },
      guard: createPushOriginGuard(flags['allow-push-origin'] ?? []),
    });
    const note = result.gone ? ' (the subscription is gone: delete it)' : result.retryAfter !== null ? ` (retry after ${result.retryAfter} s)` : '';
    process.stdout.write(`push service answered ${result.status}${note}\n`);
    return result.ok ? 0 : 1;
  } catch (error) {
    if (isPushError(error) && error.code === 'invalid-message') {
      process.stderr.write(`dwpush send: the message is not a valid declarative push message; nothing was sent:\n${formatFindings(error.details.findings as Finding[])}`);
      return 1;
    }
    return reportFailure('send', error, USAGE);
  }
}

interface BroadcastStatus { id: string; status: string; total: number; sent: number; failed: number; gone: number; pending: number }

async function broadcast(server: string, message: string, options: Record<string, unknown>, wait: boolean): Promise<number> {
  const token = process.env.DWP_ADMIN_TOKEN;
  if (!token) throw new UsageError('--server needs the admin token in DWP_ADMIN_TOKEN');
  const base = server.replace(/\/+$/, '');
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const created = await api(`${base}/api/notifications`, { method: 'POST', headers, body: JSON.stringify({ message, ...options }) }) as { id: string };
  process.stderr.write(`broadcast ${created.id} queued\n`);
  if (!wait) return 0;
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let status: BroadcastStatus;
  for (;;) {
    status = await api(`${base}/api/notifications/${created.id}`, { headers }) as BroadcastStatus;
    if (tty) process.stderr.write(`\r${renderProgress(status.total - status.pending, status.total, { sent: status.sent, failed: status.failed, gone: status.gone })}`);
    if (status.status === 'done' || status.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (tty) process.stderr.write('\n');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`broadcast ${status.id} ${status.status}: ${status.sent} sent, ${status.failed} failed, ${status.gone} gone (unsubscribed), of ${status.total}, in ${seconds} s\n`);
  return status.status === 'done' && status.failed === 0 ? 0 : 1;
}

async function api(url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new PushError('network-error', `cannot reach ${url}: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`);
  }
  const body = await response.json().catch(() => null) as { error?: { code: string; message: string; findings?: Finding[] } } | null;
  if (response.ok) return body;
  const e = body?.error;
  const findings = e?.findings ? `\n${formatFindings(e.findings)}` : '';
  throw new PushError('server-error', `the server answered ${response.status}: ${e?.message ?? 'no details'}${e ? ` (${e.code})` : ''}${findings}`);
}

function formatFindings(findings: Finding[]): string {
  return findings.map((f) => {
    const { message, hint } = describeFinding(f);
    return `  ${f.path || '(message)'}: ${message} [${f.code}]${hint ? `\n    ${hint}` : ''}\n`;
  }).join('');
}

function readInput(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text around the fault, here the subscription's secrets.
    throw new UsageError(`${flag} is not JSON`);
  }
}
