import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { PushError } from './push-error.js';
import { MAX_ANSWER_BYTES, type PushResponse } from './post-push-request.js';
import type { PushRequest } from './push-request.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * HTTP/2 connections to one push-service origin. Each connection carries at most the streams its
 * peer allows (`SETTINGS_MAX_CONCURRENT_STREAMS`, RFC 9113 section 6.5.2); when all are full, one
 * more connection is opened, up to `maxConnections`, and further requests wait for a free stream.
 * A request the push service provably never processed (a stream refused, or above a GOAWAY's last
 * stream id, or a session already closing) is sent again on another connection; one that may have
 * reached it fails with `network-error`, and the retry policy decides (spec-notes.md#push-server).
 */
export class Http2SessionPool {
  private readonly sessions = new Set<Session>();
  private connecting = 0;
  private waiters: ((session: Session | Error) => void)[] = [];
  /** The peer's last stream limit: how many waiters one more connection will serve. */
  private streamsPerConnection = 100;
  private closed = false;

  constructor(
    private readonly origin: string,
    private readonly connect: () => Promise<TLSSocket>,
    private readonly maxConnections: number,
  ) {}

  /** Connections open now, and streams in flight over them (for tests and the benchmark). */
  stats(): { connections: number; streams: number } {
    let streams = 0;
    for (const s of this.sessions) streams += s.active;
    return { connections: this.sessions.size, streams };
  }

  async post(request: PushRequest, timeoutMs: number, path: string): Promise<PushResponse> {
    for (let tries = 0; ; tries++) {
      const session = await this.acquire();
      try {
        return await this.send(session, request, timeoutMs, path);
      } catch (error) {
        if (!(error instanceof Unprocessed) || tries >= 3) throw error instanceof Unprocessed ? error.toPushError() : error;
      } finally {
        this.release(session);
      }
      // Let the connection's own events (a GOAWAY read with the refusal) land before choosing one again.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  close(): void {
    this.closed = true;
    for (const s of this.sessions) s.session.destroy();
    this.sessions.clear();
    for (const wake of this.waiters.splice(0)) wake(new PushError('network-error', 'push connections closed'));
  }

  private acquire(): Promise<Session> {
    const free = this.free();
    if (free) {
      free.active++;
      return Promise.resolve(free);
    }
    return new Promise<Session>((resolve, reject) => {
      this.waiters.push((s) => s instanceof Error ? reject(s) : resolve(s));
      this.grow();
    });
  }

  private free(): Session | undefined {
    for (const s of this.sessions) if (!s.closing && s.active < s.limit) return s;
    return undefined;
  }

  /** Opens connections while the waiting requests exceed what those being opened will carry. */
  private grow(): void {
    while (!this.closed && this.sessions.size + this.connecting < this.maxConnections
      && this.waiters.length > this.connecting * this.streamsPerConnection) {
      this.connecting++;
      void this.open().then((session) => {
        this.connecting--;
        this.sessions.add(session);
        this.serveWaiters();
      }, (error: unknown) => {
        this.connecting--;
        // Nothing could be sent: fail those who wait now rather than let them hang.
        if (this.sessions.size === 0 && this.connecting === 0) {
          const reason = new PushError('network-error', `push service unreachable: ${(error as Error).message}`, { cause: (error as NodeJS.ErrnoException).code });
          for (const wake of this.waiters.splice(0)) wake(reason);
        }
      });
    }
  }

  private serveWaiters(): void {
    for (let s = this.free(); s && this.waiters.length > 0; s = this.free()) {
      s.active++;
      this.waiters.shift()!(s);
    }
    if (this.waiters.length > 0) this.grow();
  }

  private release(session: Session): void {
    session.active--;
    if (session.closing && session.active === 0) session.session.close();
    this.serveWaiters();
  }

  private async open(): Promise<Session> {
    const socket = await this.connect();
    const session = http2.connect(this.origin, { createConnection: () => socket });
    const entry: Session = { session, active: 0, limit: 0, closing: false, lastStreamID: Infinity };
    const drop = () => {
      entry.closing = true;
      this.sessions.delete(entry);
    };
    session.on('goaway', (_code, lastStreamID) => {
      entry.lastStreamID = lastStreamID;
      drop();
      this.serveWaiters();
    });
    session.on('close', () => {
      drop();
      this.serveWaiters();
    });
    session.on('error', () => drop());
    session.on('remoteSettings', (settings) => {
      // Unset means unlimited (2^32 - 1); the origin's lane bounds what is in flight anyway.
      entry.limit = Math.min(settings.maxConcurrentStreams ?? 100, MAX_STREAMS);
      this.streamsPerConnection = Math.max(1, entry.limit);
      this.serveWaiters();
    });
    // A connection with nothing to carry for a minute is closed; the push service would do it anyway.
    session.setTimeout(60_000, () => { if (entry.active === 0) session.close(); });
    // Usable once the peer has said how many streams it allows.
    await new Promise<void>((resolve, reject) => {
      session.once('remoteSettings', () => resolve());
      session.once('error', reject);
      session.once('close', () => reject(new Error('connection closed before its settings arrived')));
    });
    return entry;
  }

  private send(entry: Session, request: PushRequest, timeoutMs: number, path: string): Promise<PushResponse> {
    return new Promise((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        if (entry.closing || entry.session.closed || entry.session.destroyed) throw new Error('session closing');
        stream = entry.session.request({ ':method': 'POST', ':path': path, ...lowerCase(request.headers), 'content-length': String(request.body.byteLength) });
      } catch (error) {
        reject(new Unprocessed((error as Error).message));
        return;
      }
      let status = 0;
      let retryAfter: number | null = null;
      let text = '';
      let timedOut = false;
      let ended = false;
      stream.setTimeout(timeoutMs, () => {
        timedOut = true;
        stream.close(http2.constants.NGHTTP2_CANCEL);
      });
      stream.on('response', (headers) => {
        status = Number(headers[':status'] ?? 0);
        retryAfter = parseRetryAfter(headers['retry-after']);
      });
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => { if (text.length < MAX_ANSWER_BYTES) text += chunk; });
      stream.on('end', () => { ended = true; });
      stream.on('error', () => {}); // reported once, from 'close'
      stream.on('close', () => {
        if (timedOut) return reject(new PushError('timeout', `push service did not answer within ${timeoutMs} ms`));
        if (ended && status !== 0) return resolve({ status, retryAfter, text: text.slice(0, MAX_ANSWER_BYTES) });
        const unprocessed = stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM
          || stream.id === undefined || stream.id > entry.lastStreamID;
        if (unprocessed) return reject(new Unprocessed(`stream refused (code ${stream.rstCode})`));
        reject(new PushError('network-error', `push service connection failed: stream closed with code ${stream.rstCode}`));
      });
      stream.end(request.body);
    });
  }
}

const MAX_STREAMS = 1000;

interface Session {
  session: http2.ClientHttp2Session;
  /** Streams in flight. */
  active: number;
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS (0 until it arrives). */
  limit: number;
  /** After GOAWAY or an error: no new streams. */
  closing: boolean;
  /** From GOAWAY: streams above it were not processed (RFC 9113 section 6.8). */
  lastStreamID: number;
}

/** A request the push service never processed: safe to send again. */
class Unprocessed extends Error {
  toPushError(): PushError {
    return new PushError('network-error', `push service refused the request: ${this.message}`);
  }
}

/** HTTP/2 field names are lower case (RFC 9113 section 8.2.1). */
function lowerCase(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
