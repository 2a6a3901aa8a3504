import http from 'node:http';
import https from 'node:https';
import { PushError } from './push-error.js';
import type { PushRequest } from './push-request.js';
import { parseRetryAfter } from './retry-after.js';

export interface PushResponse {
  status: number;
  /** Seconds from `Retry-After`, or null. */
  retryAfter: number | null;
  /** The start of the push service's answer, for error reports. */
  text: string;
}

export interface PushAgents {
  http: http.Agent;
  https: https.Agent;
}

export interface AgentOptions {
  /** Connections kept per push-service origin. */
  maxSockets?: number;
  /** Extra trust anchors (a test push service's self-signed certificate). */
  ca?: string | Buffer;
}

/** Keep-alive agents: one TLS handshake per connection, not per message (web-push opens one each time). */
export function createPushAgents({ maxSockets = 64, ca }: AgentOptions = {}): PushAgents {
  const common = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const };
  return { http: new http.Agent(common), https: new https.Agent({ ...common, ...(ca ? { ca } : {}) }) };
}

export function destroyPushAgents(agents: PushAgents): void {
  agents.http.destroy();
  agents.https.destroy();
}

const MAX_ANSWER_BYTES = 1024;

/** POSTs one push request; any HTTP answer resolves, a timeout or a broken connection throws with a code. */
export function postPushRequest(request: PushRequest, agents: PushAgents, timeoutMs = 30_000): Promise<PushResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.endpoint);
    const secure = url.protocol === 'https:';
    const transport = secure ? https : http;
    const req = transport.request(url, {
      method: 'POST',
      headers: request.headers,
      agent: secure ? agents.https : agents.http,
      timeout: timeoutMs,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (text.length < MAX_ANSWER_BYTES) text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: parseRetryAfter(res.headers['retry-after']), text: text.slice(0, MAX_ANSWER_BYTES) }));
      res.on('error', (error) => reject(new PushError('network-error', `push service connection failed: ${error.message}`)));
    });
    req.on('timeout', () => req.destroy(new PushError('timeout', `push service did not answer within ${timeoutMs} ms`)));
    req.on('error', (error) => reject(error instanceof PushError ? error : new PushError('network-error', `push service unreachable: ${error.message}`, { cause: (error as NodeJS.ErrnoException).code })));
    req.end(request.body);
  });
}
