/**
 * The mock of Mozilla's push server, without a browser: a WebSocket client speaks Firefox's side
 * of the protocol, and requests are made as application servers make them (web-push), or broken
 * on purpose. The Firefox tests rely on each of these answers.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startMozillaPushServer, type MozillaPushServer } from './mock-mozilla-push-server.js';

type Keys = { publicKey: string; privateKey: string };
type Message = Record<string, unknown>;

/** Firefox's side of the push WebSocket: sends JSON, reads answers in order. */
async function connect(serverURL: string) {
  const socket = new WebSocket(serverURL, 'push-notification');
  const inbox: Message[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (raw) => {
    inbox.push(JSON.parse(String(raw)) as Message);
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    socket,
    send: (message: Message) => socket.send(JSON.stringify(message)),
    async next(): Promise<Message> {
      while (inbox.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      return inbox.shift()!;
    },
    close: () => new Promise((resolve) => (socket.once('close', resolve), socket.close())),
  };
}

/** A VAPID header signed by `keys` with the given claims (RFC 8292), made by hand to break it on purpose. */
function vapidHeader(keys: Keys, claims: Record<string, unknown>): string {
  const point = Buffer.from(keys.publicKey, 'base64url');
  const key = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: keys.privateKey, x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ typ: 'JWT', alg: 'ES256' })}.${part(claims)}`;
  const signature = sign('sha256', Buffer.from(signed), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `vapid t=${signed}.${signature}, k=${keys.publicKey}`;
}

describe('mock of Mozilla\'s push server', () => {
  let dir: string;
  let mock: MozillaPushServer;
  const keys: Keys = webpush.generateVAPIDKeys();
  const now = () => Math.floor(Date.now() / 1000);

  const post = (endpoint: string, headers: Record<string, string>, body: Buffer = Buffer.alloc(0)) => new Promise<{ status: number; location?: string }>((resolve, reject) => {
    const request = https.request(endpoint, { method: 'POST', headers, ca: mock.certificate }, (answer) => {
      answer.resume();
      resolve({ status: answer.statusCode!, ...(answer.headers.location ? { location: answer.headers.location } : {}) });
    });
    request.on('error', reject);
    request.end(body);
  });

  /** A browser that said hello and registered one channel with `keys` (padded base64url, as Firefox sends it). */
  async function registered() {
    const client = await connect(mock.serverURL);
    client.send({ messageType: 'hello', broadcasts: {}, use_webpush: true });
    const hello = await client.next();
    const channelID = crypto.randomUUID();
    client.send({ messageType: 'register', channelID, key: `${Buffer.from(keys.publicKey, 'base64url').toString('base64url')}=` });
    const answer = await client.next();
    return { client, uaid: hello.uaid as string, hello, channelID, answer, endpoint: answer.pushEndpoint as string };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dwp-mock-moz-'));
    mock = await startMozillaPushServer(dir);
  });
  afterAll(async () => {
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('speaks Firefox\'s protocol: hello, register, ping, and a POSTed message forwarded as it came, then acked', async () => {
    const { client, uaid, hello, channelID, answer, endpoint } = await registered();
    expect(hello).toEqual({ messageType: 'hello', status: 200, uaid, use_webpush: true, broadcasts: {} });
    expect(uaid).toMatch(/^[0-9a-f]{32}$/);
    expect(answer).toMatchObject({ messageType: 'register', status: 200, channelID });
    expect(endpoint.startsWith(`${mock.origin}/wpush/v2/`)).toBe(true);
    client.send({});
    expect(await client.next()).toEqual({});

    const subscription = { endpoint, keys: { p256dh: webpush.generateVAPIDKeys().publicKey, auth: 'AAAAAAAAAAAAAAAAAAAAAA' } };
    const request = webpush.generateRequestDetails(subscription, 'hello', { vapidDetails: { subject: 'mailto:ops@example.com', ...keys }, TTL: 30 });
    const sent = await post(endpoint, request.headers as Record<string, string>, request.body as Buffer);
    expect(sent.status).toBe(201);
    const [record] = mock.requests().slice(-1);
    expect(sent.location).toBe(`${mock.origin}/m/${record!.version}`);
    const notification = await client.next();
    expect(notification).toEqual({
      messageType: 'notification', channelID, version: record!.version, ttl: 30,
      data: (request.body as Buffer).toString('base64url'), headers: { encoding: 'aes128gcm' },
    });
    client.send({ messageType: 'ack', updates: [{ channelID, version: record!.version, code: 100 }] });
    expect(await mock.ackOf(record!.version!)).toEqual({ channelID, version: record!.version, code: 100 });
    await client.close();
  });

  it('speaks HTTP/2 to a sender that offers it by ALPN', async () => {
    const { client, endpoint } = await registered();
    const session = http2.connect(mock.origin, { ca: mock.certificate });
    const status = await new Promise<number>((resolve, reject) => {
      const stream = session.request({
        ':method': 'POST', ':path': new URL(endpoint).pathname, ttl: '60',
        authorization: vapidHeader(keys, { aud: mock.origin, exp: now() + 60 }),
      });
      stream.on('response', (headers) => resolve(Number(headers[':status'])));
      stream.on('error', reject);
      stream.end();
    });
    session.close();
    expect(status).toBe(201);
    expect(mock.requests().at(-1)).toMatchObject({ status: 201, httpVersion: '2.0' });
    await client.close();
  });

  it('keeps an unacked message for a browser that reconnects with its uaid', async () => {
    const { client, uaid, channelID, endpoint } = await registered();
    await client.close();
    const headers = { TTL: '60', Authorization: vapidHeader(keys, { aud: mock.origin, exp: now() + 3600, sub: 'mailto:ops@example.com' }) };
    expect((await post(endpoint, headers)).status).toBe(201);
    const again = await connect(mock.serverURL);
    again.send({ messageType: 'hello', uaid, broadcasts: {}, use_webpush: true });
    expect(await again.next()).toMatchObject({ messageType: 'hello', uaid });
    expect(await again.next()).toMatchObject({ messageType: 'notification', channelID, ttl: 60 });
    await again.close();
  });

  it.each([
    ['no Authorization', () => ({ TTL: '60' }), 401, 'missing'],
    ['a JWT for another audience', () => ({ TTL: '60', Authorization: vapidHeader(keys, { aud: 'https://fcm.googleapis.com', exp: now() + 3600 }) }), 403, 'audience'],
    ['an expired JWT', () => ({ TTL: '60', Authorization: vapidHeader(keys, { aud: mock.origin, exp: now() - 1 }) }), 403, 'expiry'],
    ['a JWT valid for more than 24 h', () => ({ TTL: '60', Authorization: vapidHeader(keys, { aud: mock.origin, exp: now() + 25 * 3600 }) }), 403, 'expiry'],
    ['a subject that is not mailto: or https:', () => ({ TTL: '60', Authorization: vapidHeader(keys, { aud: mock.origin, exp: now() + 60, sub: 'ops' }) }), 403, 'subject'],
    ['a signature by another key', () => {
      const other = webpush.generateVAPIDKeys();
      return { TTL: '60', Authorization: vapidHeader(other, { aud: mock.origin, exp: now() + 60 }).replace(other.publicKey, keys.publicKey) };
    }, 403, 'signature'],
    ['a valid JWT from keys other than those registered', () => ({ TTL: '60', Authorization: vapidHeader(webpush.generateVAPIDKeys(), { aud: mock.origin, exp: now() + 60 }) }), 403, 'key'],
    ['no TTL', () => ({ Authorization: vapidHeader(keys, { aud: mock.origin, exp: now() + 60 }) }), 400, 'ttl'],
    ['a body without aes128gcm', () => ({ TTL: '60', 'Content-Encoding': 'aesgcm', Authorization: vapidHeader(keys, { aud: mock.origin, exp: now() + 60 }) }), 400, 'encoding'],
  ] as const)('refuses %s with %i', async (_, headers, status, refusal) => {
    const { client, endpoint } = await registered();
    expect((await post(endpoint, headers(), Buffer.from('x'))).status).toBe(status);
    expect(mock.requests().at(-1)).toMatchObject({ status, refusal, version: null });
    await client.close();
  });

  it('answers 413 over 4096 bytes, 404 for an unknown endpoint and 410 once the browser unregistered', async () => {
    const { client, channelID, endpoint } = await registered();
    const headers = { TTL: '60', 'Content-Encoding': 'aes128gcm', Authorization: vapidHeader(keys, { aud: mock.origin, exp: now() + 60 }) };
    expect((await post(endpoint, headers, Buffer.alloc(4096))).status).toBe(201);
    expect((await post(endpoint, headers, Buffer.alloc(4097))).status).toBe(413);
    expect((await post(`${mock.origin}/wpush/v2/unknown`, headers)).status).toBe(404);
    client.send({ messageType: 'unregister', channelID, code: 200 });
    expect(await client.next()).toMatchObject({ messageType: 'notification' }); // the 4096-byte one
    expect(await client.next()).toEqual({ messageType: 'unregister', status: 200, channelID });
    expect((await post(endpoint, headers)).status).toBe(410);
    await client.close();
  });
});
