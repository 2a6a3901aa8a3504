/**
 * A loopback stand-in for `dwp serve`, enough for the demo page: the static files of server/public,
 * the built page helper, and the five API routes with the contract's shapes. The real server
 * replaces it at merge (see `startDemoServer` in ../demo-page.test.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import webpush from 'web-push';
import { parsePushPayload } from '../../../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TYPES: Record<string, string> = { html: 'text/html', css: 'text/css', js: 'text/javascript', svg: 'image/svg+xml', map: 'application/json' };
export const ADMIN_TOKEN = 'stand-in-admin-token';

export interface StandIn {
  url: string;
  /** Bodies of `POST /api/subscriptions`, in order. */
  subscriptions: unknown[];
  /** Bodies of `DELETE /api/subscriptions`, in order. */
  deletions: unknown[];
  /** Bodies of `POST /api/notifications`, in order. */
  notifications: unknown[];
  close(): Promise<void>;
}

export async function startStandInApi(): Promise<StandIn> {
  const { publicKey } = webpush.generateVAPIDKeys();
  const state = { subscriptions: [] as unknown[], deletions: [] as unknown[], notifications: [] as unknown[], polls: new Map<string, number>() };
  const server = createServer((request, response) => {
    route(request, response, publicKey, state).catch((error: unknown) => send(response, 500, { error: { code: 'internal', message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    subscriptions: state.subscriptions,
    deletions: state.deletions,
    notifications: state.notifications,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the browser's keep-alive connections too: the server is gone
      }),
  };
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  publicKey: string,
  state: { subscriptions: unknown[]; deletions: unknown[]; notifications: unknown[]; polls: Map<string, number> },
): Promise<void> {
  const { pathname } = new URL(request.url ?? '/', 'http://stand-in');
  const key = `${request.method} ${pathname}`;
  if (key === 'GET /api/vapid-public-key') return send(response, 200, { publicKey });
  if (key === 'POST /api/subscriptions') {
    state.subscriptions.push(await body(request));
    return send(response, 201, {});
  }
  if (key === 'DELETE /api/subscriptions') {
    state.deletions.push(await body(request));
    return send(response, 204);
  }
  if (key === 'POST /api/lint') return send(response, 200, lint(await body(request)));
  if (pathname.startsWith('/api/notifications')) {
    if (request.headers.authorization !== `Bearer ${ADMIN_TOKEN}`) return send(response, 401, { error: { code: 'unauthorized', message: 'bad admin token' } });
    if (key === 'POST /api/notifications') {
      state.notifications.push(await body(request));
      const id = String(state.notifications.length);
      state.polls.set(id, 0);
      return send(response, 202, { id });
    }
    return send(response, 200, progress(pathname.split('/').at(-1) ?? '', state.polls));
  }
  if (request.method === 'GET') return file(response, pathname);
  return send(response, 404, { error: { code: 'not-found', message: pathname } });
}

/** Findings of the core parser, without line and column: the page locates them from their paths. */
function lint(input: unknown): unknown {
  const message = (input as { message?: unknown }).message;
  const result = parsePushPayload(typeof message === 'string' ? message : JSON.stringify(message), { baseURL: 'http://127.0.0.1/' });
  const findings = result.declarative ? [] : result.findings.map((f) => ({ ...f, message: `stand-in: ${f.code}` }));
  return { format: 'standard', valid: result.declarative, findings };
}

/** A job of three deliveries that finishes on the third poll. */
function progress(id: string, polls: Map<string, number>): unknown {
  const poll = (polls.get(id) ?? 0) + 1;
  polls.set(id, poll);
  const sent = Math.min(poll, 3);
  return { id, status: sent === 3 ? 'done' : 'running', total: 3, sent, failed: 0, gone: 0, pending: 3 - sent };
}

async function file(response: ServerResponse, pathname: string): Promise<void> {
  const name = pathname === '/' ? 'index.html' : pathname.slice(1);
  const path = BUILT[name] ?? `${ROOT}server/public/${name}`;
  if (!/^[\w.-]+$/.test(name) || !existsSync(path)) {
    // The polyfill is built on another branch: until the merge, sw.js imports an empty stand-in.
    if (name === 'declarative-push-sw.js') return send(response, 200, '// stand-in for the polyfill', 'text/javascript');
    return send(response, 404, { error: { code: 'not-found', message: pathname } });
  }
  send(response, 200, await readFile(path), TYPES[name.split('.').at(-1) ?? ''] ?? 'application/octet-stream');
}

const BUILT: Record<string, string> = {
  'dwp-page.js': `${ROOT}dist/polyfill/dwp-page.js`,
  'declarative-push-sw.js': `${ROOT}dist/polyfill/declarative-push-sw.js`,
};

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, payload?: unknown, type = 'application/json'): void {
  const data = payload === undefined ? '' : typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
  response.writeHead(status, payload === undefined ? {} : { 'content-type': type, 'cache-control': 'no-store' });
  response.end(data);
}
