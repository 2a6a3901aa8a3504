/**
 * A loopback mock of Mozilla's push server (autopush), for tests with a real Firefox: the
 * WebSocket side Firefox's push client speaks (`dom.push.serverURL`: hello, register, unregister,
 * notification, ack, ping) and the HTTP side application servers POST to (RFC 8030 push endpoints
 * over TLS with a self-signed certificate, HTTP/2 or HTTP/1.1 by ALPN, VAPID checked as RFC 8292 says). It does not decrypt:
 * Firefox does, and acks with code 100 (delivered) or 101 (decryption failed).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { LOOPBACK_TLS } from './loopback-tls.js';
import { verifyVapid, type VapidRefusal } from './verify-vapid.js';

/** autopush's limit on an encrypted body. */
const MAX_BODY_BYTES = 4096;

interface Channel {
  uaid: string;
  channelID: string;
  /** The application server key Firefox registered with (base64url, as sent), or null. */
  key: string | null;
  endpoint: string;
  dropped: boolean;
}

export interface EndpointRequest {
  endpoint: string;
  status: number;
  /** Why it was refused (for people reading a failed test), or null when accepted. */
  refusal: VapidRefusal | 'unknown-channel' | 'dropped-channel' | 'ttl' | 'encoding' | 'too-large' | null;
  headers: http2.IncomingHttpHeaders;
  /** "2.0" or "1.1", as ALPN chose. */
  httpVersion: string;
  /** The message id handed to Firefox, for a 201. */
  version: string | null;
}

export interface Ack {
  channelID: string;
  version: string;
  /** 100 delivered, 101 decryption failed, 102 not delivered (Firefox's push client). */
  code: number;
}

export interface MozillaPushServer {
  /** For `dom.push.serverURL`: ws://127.0.0.1:PORT/ */
  serverURL: string;
  /** The push endpoints' origin, https://127.0.0.1:PORT: the VAPID audience, and an allowed push origin. */
  origin: string;
  /** A PEM file of the endpoints' self-signed certificate, for a sender's `NODE_EXTRA_CA_CERTS`. */
  certificateFile: string;
  /** The same certificate, for a sender's `ca` option. */
  certificate: string;
  requests(): EndpointRequest[];
  acks(): Ack[];
  /** Resolves with Firefox's ack of `version` (the message id a 201 handed over). */
  ackOf(version: string, timeoutMs?: number): Promise<Ack>;
  /** Registrations Firefox made, in order (`dropped` once it unregistered). */
  channels(): readonly Readonly<Channel>[];
  close(): Promise<void>;
}

/** Starts both sides on ephemeral loopback ports; `dir` receives the certificate file (test/support/loopback-tls.ts). */
export async function startMozillaPushServer(dir: string): Promise<MozillaPushServer> {
  const certificateFile = join(dir, 'mock-push-server.pem');
  writeFileSync(certificateFile, LOOPBACK_TLS.cert);

  const channels = new Map<string, Channel>(); // by endpoint token
  const sockets = new Map<string, WebSocket>(); // by uaid
  const unacked = new Map<string, Map<string, object>>(); // uaid -> version -> notification
  const requests: EndpointRequest[] = [];
  const acks: Ack[] = [];
  const ackWaiters = new Set<() => void>();
  let origin = '';

  const send = (socket: WebSocket, message: object) => socket.send(JSON.stringify(message));

  const endpoints = http2.createSecureServer({ ...LOOPBACK_TLS, allowHTTP1: true }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const token = /^\/wpush\/v2\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const channel = channels.get(token);
      const body = Buffer.concat(chunks);
      const ttl = Number(req.headers.ttl);
      const refusal: EndpointRequest['refusal'] =
        req.method !== 'POST' || !channel ? 'unknown-channel'
          : channel.dropped ? 'dropped-channel'
            : verifyVapid(req.headers.authorization, origin, channel.key)
              ?? (req.headers.ttl === undefined || !Number.isSafeInteger(ttl) || ttl < 0 ? 'ttl'
                : size > MAX_BODY_BYTES ? 'too-large'
                  : size > 0 && req.headers['content-encoding'] !== 'aes128gcm' ? 'encoding'
                    : null);
      const status = STATUS[refusal ?? 'accepted'];
      const version = refusal === null ? randomUUID() : null;
      requests.push({ endpoint: `${origin}${req.url}`, status, refusal, headers: req.headers, httpVersion: req.httpVersion, version });
      if (version !== null && channel) {
        const notification = {
          messageType: 'notification', channelID: channel.channelID, version, ttl,
          ...(size > 0 ? { data: body.toString('base64url'), headers: { encoding: 'aes128gcm' } } : {}),
        };
        const queue = unacked.get(channel.uaid) ?? new Map<string, object>();
        unacked.set(channel.uaid, queue.set(version, notification));
        const socket = sockets.get(channel.uaid);
        if (socket) send(socket, notification);
        res.writeHead(201, { Location: `${origin}/m/${version}`, TTL: String(ttl) });
        res.end();
        return;
      }
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: status, error: refusal }));
    });
  });

  // Open connections of both kinds, so that close() ends them.
  const connections = new Set<{ destroy(): void }>();
  endpoints.on('secureConnection', (socket) => (connections.add(socket), socket.on('close', () => connections.delete(socket))));
  const hub = http.createServer((_, res) => res.writeHead(426).end());
  const webSockets = new WebSocketServer({ server: hub, handleProtocols: (protocols) => (protocols.has('push-notification') ? 'push-notification' : false) });
  webSockets.on('connection', (socket) => {
    let uaid = '';
    socket.on('message', (raw) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(raw));
      } catch {
        return void socket.close(4000, 'not JSON');
      }
      switch (message.messageType) {
        case undefined: // ping
          return send(socket, {});
        case 'hello': {
          uaid = typeof message.uaid === 'string' && /^[0-9a-f]{32}$/.test(message.uaid) ? message.uaid : randomBytes(16).toString('hex');
          sockets.set(uaid, socket);
          send(socket, { messageType: 'hello', status: 200, uaid, use_webpush: true, broadcasts: {} });
          for (const pending of unacked.get(uaid)?.values() ?? []) send(socket, pending);
          return;
        }
        case 'register': {
          const channelID = String(message.channelID);
          const token = randomBytes(24).toString('base64url');
          const endpoint = `${origin}/wpush/v2/${token}`;
          channels.set(token, { uaid, channelID, key: typeof message.key === 'string' ? message.key : null, endpoint, dropped: false });
          return send(socket, { messageType: 'register', status: 200, channelID, pushEndpoint: endpoint });
        }
        case 'unregister': {
          for (const channel of channels.values()) if (channel.uaid === uaid && channel.channelID === message.channelID) channel.dropped = true;
          return send(socket, { messageType: 'unregister', status: 200, channelID: message.channelID });
        }
        case 'ack':
        case 'nack': {
          const updates = (message.messageType === 'ack' ? message.updates : [message]) as Array<Record<string, unknown>>;
          for (const update of Array.isArray(updates) ? updates : []) {
            const version = String(update.version);
            acks.push({ channelID: String(update.channelID), version, code: Number(update.code ?? 102) });
            unacked.get(uaid)?.delete(version);
          }
          ackWaiters.forEach((wake) => wake());
          return;
        }
        default:
          return; // broadcast_subscribe and the like: nothing to do here
      }
    });
    socket.on('close', () => {
      if (sockets.get(uaid) === socket) sockets.delete(uaid);
    });
  });

  await Promise.all([endpoints.listen(0, '127.0.0.1'), hub.listen(0, '127.0.0.1')].map((server) => new Promise((resolve) => server.once('listening', resolve))));
  origin = `https://127.0.0.1:${(endpoints.address() as AddressInfo).port}`;

  return {
    serverURL: `ws://127.0.0.1:${(hub.address() as AddressInfo).port}/`,
    origin,
    certificateFile,
    certificate: LOOPBACK_TLS.cert,
    requests: () => requests,
    acks: () => acks,
    channels: () => [...channels.values()],
    ackOf(version, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const ack = acks.find((a) => a.version === version);
          if (!ack) return;
          clearTimeout(timer);
          ackWaiters.delete(check);
          resolve(ack);
        };
        const timer = setTimeout(() => {
          ackWaiters.delete(check);
          reject(new Error(`Firefox did not ack message ${version} within ${timeoutMs} ms`));
        }, timeoutMs);
        ackWaiters.add(check);
        check();
      });
    },
    async close() {
      for (const socket of webSockets.clients) socket.terminate();
      webSockets.close();
      hub.closeAllConnections();
      connections.forEach((socket) => socket.destroy());
      await Promise.all([endpoints, hub].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/** The answer to each outcome, as autopush gives it. */
const STATUS: Record<NonNullable<EndpointRequest['refusal']> | 'accepted', number> = {
  accepted: 201,
  'unknown-channel': 404,
  'dropped-channel': 410,
  missing: 401,
  malformed: 401,
  signature: 403,
  audience: 403,
  expiry: 403,
  subject: 403,
  key: 403,
  ttl: 400,
  encoding: 400,
  'too-large': 413,
};
