/**
 * A push service on loopback for tests: it decrypts every body with http_ece and the
 * subscription's private key (as a browser would), records what arrived, and answers per
 * subscription as told: 201, 404, 410, 429 with Retry-After, 500, 403, a delay, or no answer at all.
 */
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

export type Answer =
  | { status: number; retryAfter?: number; delayMs?: number }
  | { hang: true };

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  /** The decrypted plaintext, or null when decryption failed. */
  payload: string | null;
  answered: number | null;
}

export interface MockSubscription {
  id: string;
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
}

interface Entry {
  ecdh: ECDH;
  auth: string;
  answers: Answer[];
  received: Received[];
}

export interface MockPushService {
  origin: string;
  /** A new subscription; `answers` are used in order, the last one repeated (default: 201). */
  subscribe(answers?: Answer[]): MockSubscription;
  received(id: string): Received[];
  /** Every request, in arrival order. */
  all(): (Received & { id: string })[];
  close(): Promise<void>;
}

export async function startMockPushService(options: { tls?: { key: string; cert: string }; host?: string } = {}): Promise<MockPushService> {
  const entries = new Map<string, Entry>();
  const log: (Received & { id: string })[] = [];
  const hanging = new Set<http.ServerResponse>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = decodeURIComponent((req.url ?? '').replace(/^\/push\//, ''));
      const entry = entries.get(id);
      if (!entry) {
        res.writeHead(404).end();
        return;
      }
      const received: Received = { at: Date.now(), headers: req.headers, payload: decryptBody(Buffer.concat(chunks), entry), answered: null };
      entry.received.push(received);
      log.push({ ...received, id });
      const answer = entry.answers.length > 1 ? entry.answers.shift()! : entry.answers[0]!;
      if ('hang' in answer) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const reply = () => {
        received.answered = answer.status;
        const headers: Record<string, string> = answer.retryAfter !== undefined ? { 'Retry-After': String(answer.retryAfter) } : {};
        if (answer.status === 201) headers.Location = `/message/${randomBytes(6).toString('hex')}`;
        res.writeHead(answer.status, headers).end();
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  };

  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  let next = 0;

  return {
    origin,
    subscribe(answers = [{ status: 201 }]) {
      const id = `sub-${++next}`;
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16).toString('base64url');
      entries.set(id, { ecdh, auth, answers: [...answers], received: [] });
      return { id, subscription: { endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey('base64url'), auth } } };
    },
    received: (id) => entries.get(id)?.received ?? [],
    all: () => log,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function decryptBody(body: Buffer, entry: Entry): string | null {
  try {
    return ece.decrypt(body, { version: 'aes128gcm', privateKey: entry.ecdh, authSecret: entry.auth }).toString('utf8');
  } catch {
    return null;
  }
}
