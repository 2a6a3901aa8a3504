/**
 * The benchmark's push service, in its own process so its CPU is not counted against the sender:
 * HTTPS with keep-alive on loopback, 201 for every POST, counting requests, distinct endpoints, TLS
 * connections and the declarative Content-Type. Reports its port over IPC, then answers 'stats' and 'reset'.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

const [keyFile, certFile] = process.argv.slice(2) as [string, string];
let requests = 0;
let declarative = 0;
let bytes = 0;
let connections = 0;
let endpoints = new Set<string>();

const server = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
  let size = 0;
  req.on('data', (chunk: Buffer) => { size += chunk.length; });
  req.on('end', () => {
    requests++;
    bytes += size;
    endpoints.add(req.url ?? '');
    if (req.headers['content-type'] === 'application/notification+json') declarative++;
    res.writeHead(201, { Location: '/m' }).end();
  });
});
server.keepAliveTimeout = 60_000;
server.on('secureConnection', () => { connections++; });
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('message', (message: string) => {
  if (message === 'stats') process.send!({ requests, distinct: endpoints.size, declarative, bytes, connections });
  if (message === 'reset') {
    requests = declarative = bytes = connections = 0;
    endpoints = new Set();
    process.send!({ reset: true });
  }
  if (message === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
