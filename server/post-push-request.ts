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

/** How much of a push service's answer is kept for error reports. */
export const MAX_ANSWER_BYTES = 1024;

/** POSTs one push request over a keep-alive HTTP/1.1 agent; any HTTP answer resolves, a timeout or a broken connection throws with a code. */
export function postOverHttp1(url: URL, request: PushRequest, agent: http.Agent, timeoutMs: number): Promise<PushResponse> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, { method: 'POST', headers: request.headers, agent, timeout: timeoutMs }, (res) => {
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
