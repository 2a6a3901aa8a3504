import { PageError } from './page-errors.js';

export interface ServerRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** The admin token, sent as `Authorization: Bearer <token>`. */
  token?: string;
}

/** `path` under `serverUrl` ("" means this page's origin; a path prefix such as `https://push.example/dwp` is kept). */
export function serverURL(serverUrl: string, path: string): URL {
  const base = new URL(serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`, globalThis.location?.href);
  return new URL(path.replace(/^\//, ''), base);
}

/**
 * One JSON request to the push server. A network failure is `server-unreachable`; a 4xx/5xx is
 * `server-error` carrying the server's `{"error":{"code","message"}}` when it sent one.
 * Resolves to the parsed body, or `undefined` for an empty one (204).
 */
export async function callServer<T = unknown>(serverUrl: string, path: string, request: ServerRequest = {}): Promise<T> {
  const url = serverURL(serverUrl, path);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
  } catch (cause) {
    throw new PageError('server-unreachable', { detail: url.origin, cause });
  }
  const text = await response.text();
  const body = parseJSON(text);
  if (!response.ok) throw serverError(response.status, body);
  return body as T;
}

function parseJSON(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function serverError(status: number, body: unknown): PageError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const serverCode = typeof error?.code === 'string' ? error.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  return new PageError('server-error', { detail: message, status, serverCode });
}
