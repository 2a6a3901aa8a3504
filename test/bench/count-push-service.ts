/**
 * bench:scale's push service: plain HTTP/1.1 on loopback, answering 201 at once without decrypting
 * (its CPU is not what is measured), counting requests and distinct endpoints. IPC: 'stats', 'reset', 'exit'.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let requests = 0;
let endpoints = new Set<string>();
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    requests++;
    endpoints.add(req.url ?? '');
    res.writeHead(201).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('message', (message) => {
  if (message === 'stats') process.send!({ requests, distinct: endpoints.size });
  else if (message === 'reset') {
    requests = 0;
    endpoints = new Set();
    process.send!({});
  } else if (message === 'exit') process.exit(0);
});
