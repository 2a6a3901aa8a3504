import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestSite {
  /** http://127.0.0.1:PORT, a secure context for service workers. */
  origin: string;
  close(): Promise<void>;
}

export type Routes = Record<string, { type: string; body: string | (() => string) }>;

const page = (title: string) => ({ type: 'text/html', body: `<!doctype html><title>${title}</title><h1>${title}</h1>` });

/** A tiny site on loopback: `routes` by exact path (query ignored), any other path a small HTML page named after it. */
export async function startTestSite(routes: Routes): Promise<TestSite> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const route = routes[path] ?? page(path);
    response.writeHead(200, { 'content-type': `${route.type}; charset=utf-8`, 'cache-control': 'no-store' });
    response.end(typeof route.body === 'function' ? route.body() : route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
