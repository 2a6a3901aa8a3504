import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { Http2SessionPool } from './http2-session-pool.js';
import { postOverHttp1, type PushResponse } from './post-push-request.js';
import { PushError } from './push-error.js';
import type { PushRequest } from './push-request.js';

export interface PushConnectionOptions {
  /** HTTP/2 connections per push-service origin (each carries as many streams as the service allows). */
  maxConnections?: number;
  /** HTTP/1.1 keep-alive sockets per push-service origin, when it does not speak HTTP/2. */
  maxSockets?: number;
  /** `auto` negotiates HTTP/2 with ALPN and falls back to HTTP/1.1; `http/1.1` never offers HTTP/2. */
  protocol?: 'auto' | 'http/1.1';
  /** Extra trust anchors (a test push service's self-signed certificate). */
  ca?: string | Buffer;
}

export interface PushConnections {
  /** POSTs one push request; any HTTP answer resolves, a timeout or a broken connection throws with a code. */
  post(request: PushRequest, timeoutMs?: number): Promise<PushResponse>;
  /** The protocol an origin was reached with, once known. */
  protocolOf(origin: string): 'h2' | 'http/1.1' | undefined;
  close(): void;
}

/**
 * The connections to push services: HTTP/2 where the service offers it in ALPN (FCM, Mozilla, Apple
 * and WNS do), so one TLS connection carries many requests at once; otherwise keep-alive HTTP/1.1
 * sockets. Plain `http:` (a local test push service) is always HTTP/1.1. spec-notes.md#push-server.
 */
export function createPushConnections({ maxConnections = 8, maxSockets = 64, protocol = 'auto', ca }: PushConnectionOptions = {}): PushConnections {
  const common = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
  const agents = { http: new http.Agent(common), https: new https.Agent({ ...common, ...(ca ? { ca } : {}) }) };
  const pools = new Map<string, Http2SessionPool>();
  const protocols = new Map<string, 'h2' | 'http/1.1'>();
  const probes = new Map<string, Promise<'h2' | 'http/1.1'>>();

  function connect(url: URL, alpn: string[]): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const socket = tls.connect({
        host, port: Number(url.port || 443), ALPNProtocols: alpn,
        ...(isIP(host) ? {} : { servername: host }), ...(ca ? { ca } : {}),
      });
      socket.once('secureConnect', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** The first connection asks for h2 or http/1.1; an h2 answer becomes the origin's first HTTP/2 connection. */
  function negotiate(url: URL): Promise<'h2' | 'http/1.1'> {
    let probe = probes.get(url.origin);
    if (!probe) {
      probe = connect(url, ['h2', 'http/1.1']).then((socket) => {
        const chosen = socket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1';
        protocols.set(url.origin, chosen);
        if (chosen === 'h2') {
          let first: tls.TLSSocket | undefined = socket;
          pools.set(url.origin, new Http2SessionPool(url.origin, () => {
            const reuse = first;
            first = undefined;
            return reuse && !reuse.destroyed ? Promise.resolve(reuse) : connect(url, ['h2']);
          }, maxConnections));
        } else {
          socket.destroy();
        }
        return chosen;
      }, (error: NodeJS.ErrnoException) => {
        probes.delete(url.origin); // try again with the next request
        throw new PushError('network-error', `push service unreachable: ${error.message}`, { cause: error.code });
      });
      probes.set(url.origin, probe);
    }
    return probe;
  }

  return {
    async post(request, timeoutMs = 30_000) {
      const url = new URL(request.endpoint);
      if (url.protocol === 'http:') return postOverHttp1(url, request, agents.http, timeoutMs);
      if (protocol === 'http/1.1') return postOverHttp1(url, request, agents.https, timeoutMs);
      const chosen = protocols.get(url.origin) ?? await negotiate(url);
      if (chosen === 'http/1.1') return postOverHttp1(url, request, agents.https, timeoutMs);
      return pools.get(url.origin)!.post(request, timeoutMs, url.pathname + url.search);
    },
    protocolOf: (origin) => protocols.get(origin),
    close() {
      agents.http.destroy();
      agents.https.destroy();
      for (const pool of pools.values()) pool.close();
      pools.clear();
    },
  };
}
