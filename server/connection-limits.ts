import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export interface ConnectionLimits {
  /** A client must send its headers within this (Node: 60 s). */
  headersTimeoutMs: number;
  /** ... and its whole request within this (Node: 300 s); our bodies are at most 32 KB. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections at once; past it new ones are closed at once. */
  maxConnections: number;
}

/**
 * Slow clients must not hold sockets: Node's defaults let one hold a connection for 60 s per
 * header and 5 minutes per request, so a few thousand sockets of a byte a minute each take a
 * server's file descriptors (spec-notes.md#push-server, connections).
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 2048 };

/** Options for `http.createServer`: the timeouts, checked every second (Node's default is every 30 s). */
export function serverOptionsFor(limits: ConnectionLimits): ServerOptions {
  const checkEvery = Math.min(1000, limits.headersTimeoutMs);
  return { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, keepAliveTimeout: limits.keepAliveTimeoutMs, connectionsCheckingInterval: checkEvery };
}

/** What the created server needs besides: the connection cap and error bodies for parser errors. */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));
}

/**
 * What Node's HTTP parser refuses before any route sees it gets the API's error shape too, not a
 * bare `400 Bad Request` with no body.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers-too-large'
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request-timeout' : 'bad-request';
  const { status, message } = ERROR_CODES[code];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${reason(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function reason(status: number): string {
  return status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
}
