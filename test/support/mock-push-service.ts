/**
 * A push service on loopback for tests: it decrypts every body with http_ece and the
 * subscription's private key (as a browser would), records what arrived, and answers per
 * subscription as told: 201, 404, 410, 429 with Retry-After, 500, 403, a delay, or no answer at all.
 * With `http2`, it speaks HTTP/2 over TLS (ALPN h2, HTTP/1.1 too) with a stream limit per connection,
 * and can also refuse a stream, reset one it received, or send GOAWAY.
 */
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

export type Answer =
  | { status: number; retryAfter?: number; delayMs?: number }
  | { hang: true }
  /** HTTP/2: RST_STREAM REFUSED_STREAM before reading it (not recorded: never processed). */
  | { refuse: true }
  /** HTTP/2: RST_STREAM INTERNAL_ERROR after recording it (it may have been delivered). */
  | { reset: true }
  /** HTTP/2: GOAWAY naming the stream before this one as the last processed (not recorded). */
  | { goaway: true };

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
  /** Replaces the answers a subscription gets from now on (a push service that recovers). */
  setAnswers(id: string, answers: Answer[]): void;
  /** Every request, in arrival order. */
  all(): (Received & { id: string })[];
  /** The protocol of each request, in arrival order ('2.0' or '1.1'). */
  versions(): string[];
  /** HTTP/2 connections accepted, and the most streams any one of them had open at once. */
  connections(): { opened: number; peakStreams: number };
  close(): Promise<void>;
}

export interface MockOptions {
  tls?: { key: string; cert: string };
  host?: string;
  /** HTTP/2 over TLS (needs `tls`), allowing this many streams per connection. */
  http2?: { maxConcurrentStreams: number };
}

type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Response = http.ServerResponse | http2.Http2ServerResponse;

export async function startMockPushService(options: MockOptions = {}): Promise<MockPushService> {
  const entries = new Map<string, Entry>();
  const log: (Received & { id: string })[] = [];
  const versions: string[] = [];
  const hanging = new Set<Response>();
  const sessions = new Set<http2.ServerHttp2Session>();
  let opened = 0;
  let peakStreams = 0;

  const handler = (req: Request, res: Response) => {
    const id = decodeURIComponent((req.url ?? '').replace(/^\/push\//, ''));
    const entry = entries.get(id);
    const next = entry?.answers[0];
    const stream = 'stream' in res ? res.stream : undefined;
    if (stream && next && 'refuse' in next) {
      if (entry!.answers.length > 1) entry!.answers.shift();
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    if (stream && next && 'goaway' in next) {
      if (entry!.answers.length > 1) entry!.answers.shift();
      stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id! - 2); // the client's previous stream (odd ids)
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!entry) {
        res.writeHead(404).end();
        return;
      }
      versions.push(req.httpVersion);
      const received: Received = { at: Date.now(), headers: req.headers, payload: decryptBody(Buffer.concat(chunks), entry), answered: null };
      entry.received.push(received);
      log.push({ ...received, id });
      const answer = entry.answers.length > 1 ? entry.answers.shift()! : entry.answers[0]!;
      if ('reset' in answer) {
        stream?.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      if (!('status' in answer)) {
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

  const server = options.http2
    ? http2.createSecureServer({ ...options.tls!, allowHTTP1: true, settings: { maxConcurrentStreams: options.http2.maxConcurrentStreams } }, handler)
    : options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  if ('keepAliveTimeout' in server) server.keepAliveTimeout = 30_000;
  if (options.http2) {
    (server as http2.Http2SecureServer).on('session', (session) => {
      opened++;
      sessions.add(session);
      let open = 0;
      session.on('stream', (stream) => {
        peakStreams = Math.max(peakStreams, ++open);
        stream.on('close', () => open--);
      });
      session.on('close', () => sessions.delete(session));
    });
  }
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
    setAnswers(id, answers) {
      entries.get(id)!.answers = [...answers];
    },
    all: () => log,
    versions: () => versions,
    connections: () => ({ opened, peakStreams }),
    async close() {
      for (const res of hanging) 'stream' in res ? res.stream.destroy() : res.destroy();
      for (const session of sessions) session.destroy();
      if ('closeAllConnections' in server) server.closeAllConnections();
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
