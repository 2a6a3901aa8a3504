/**
 * The benchmark's push service, in its own process so its CPU is not counted against the sender:
 * TLS on loopback speaking HTTP/2 (ALPN h2, at most 100 streams per connection, as push services
 * allow) and HTTP/1.1 keep-alive, answering 201 after a delay set over IPC (a timer: the delay
 * costs no CPU). A second port never answers (a hanging push service). Counts requests, distinct
 * endpoints, TLS connections and protocols. IPC: { delayMs }, 'stats', 'reset', 'release', 'exit'.
 */
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

const [keyFile, certFile] = process.argv.slice(2) as [string, string];
const tls = { key: readFileSync(keyFile), cert: readFileSync(certFile), allowHTTP1: true, settings: { maxConcurrentStreams: 100 } };
let delayMs = 0;
let requests = 0;
let h2 = 0;
let connections = 0;
let endpoints = new Set<string>();
const hanging = new Set<http2.Http2ServerResponse>();

const server = http2.createSecureServer(tls, (req, res) => {
  req.resume();
  req.on('end', () => {
    const answer = () => {
      requests++;
      if (req.httpVersion === '2.0') h2++;
      endpoints.add(req.url);
      res.writeHead(201, { Location: '/m' }).end();
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
});
server.on('secureConnection', () => { connections++; });

const hang = http2.createSecureServer(tls, (req, res) => {
  req.resume();
  hanging.add(res);
  res.on('close', () => hanging.delete(res));
});
const sockets = new Set<import('node:net').Socket>();
hang.on('secureConnection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

await Promise.all([server, hang].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
process.send!({ port: (server.address() as AddressInfo).port, hangingPort: (hang.address() as AddressInfo).port });

process.on('message', (message: string | { delayMs: number }) => {
  if (typeof message === 'object') {
    delayMs = message.delayMs;
    process.send!({ delayMs });
  }
  if (message === 'stats') process.send!({ requests, distinct: endpoints.size, h2, connections, hanging: hanging.size });
  if (message === 'reset') {
    requests = h2 = connections = 0;
    endpoints = new Set();
    process.send!({ reset: true });
  }
  if (message === 'release') {
    // The hanging service goes away: what waited on it fails at once instead of at its timeout.
    for (const socket of sockets) socket.destroy(); // no reply: it is sent repeatedly, unawaited
  }
  if (message === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
