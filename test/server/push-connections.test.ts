import { afterEach, describe, expect, it } from 'vitest';
import { createPushConnections, type PushConnections } from '../../server/push-connections.js';
import { buildPushRequest } from '../../server/push-request.js';
import { LOOPBACK_TLS } from '../support/loopback-tls.js';
import { startMockPushService, type Answer, type MockPushService } from '../support/mock-push-service.js';

let mock: MockPushService | undefined;
let connections: PushConnections | undefined;
afterEach(async () => {
  connections?.close();
  await mock?.close();
  mock = connections = undefined;
});

const payload = new TextEncoder().encode('{"web_push":8030}');

function requestFor(service: MockPushService, answers: Answer[]) {
  const { id, subscription } = service.subscribe(answers);
  return { id, request: buildPushRequest(subscription, payload, 'vapid t=a, k=b', { ttl: 60 }) };
}

describe('connections to push services', () => {
  it('speaks HTTP/2 to a push service that offers it in ALPN, and HTTP/1.1 to one that does not or when told', async () => {
    mock = await startMockPushService({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    const plain = await startMockPushService({ tls: LOOPBACK_TLS });
    try {
      connections = createPushConnections({ ca: LOOPBACK_TLS.cert });
      const h1Only = createPushConnections({ ca: LOOPBACK_TLS.cert, protocol: 'http/1.1' });
      const first = requestFor(mock, [{ status: 201 }]);
      const second = requestFor(mock, [{ status: 201 }]);
      const third = requestFor(plain, [{ status: 201 }]);
      expect((await connections.post(first.request)).status).toBe(201);
      expect((await h1Only.post(second.request)).status).toBe(201);
      expect((await connections.post(third.request)).status).toBe(201);
      h1Only.close();
      expect(mock.versions()).toEqual(['2.0', '1.1']);
      expect(plain.versions()).toEqual(['1.1']);
      expect(connections.protocolOf(mock.origin)).toBe('h2');
      expect(connections.protocolOf(plain.origin)).toBe('http/1.1');
      expect(JSON.parse(mock.received(first.id)[0]!.payload!)).toEqual({ web_push: 8030 });
    } finally {
      await plain.close();
    }
  });

  it('never opens more streams on a connection than the push service allows (100), and opens more connections instead', async () => {
    mock = await startMockPushService({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    connections = createPushConnections({ ca: LOOPBACK_TLS.cert, maxConnections: 4 });
    const requests = Array.from({ length: 300 }, () => requestFor(mock!, [{ status: 201, delayMs: 150 }]));
    const answers = await Promise.all(requests.map(({ request }) => connections!.post(request)));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const { opened, peakStreams } = mock.connections();
    expect(peakStreams).toBeLessThanOrEqual(100);
    expect(peakStreams).toBeGreaterThan(50); // the connections were used, not one request at a time
    expect(opened).toBeGreaterThanOrEqual(3);
    expect(opened).toBeLessThanOrEqual(4);
  });

  it('queues requests beyond the streams of its last allowed connection rather than breaking the limit', async () => {
    mock = await startMockPushService({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 10 } });
    connections = createPushConnections({ ca: LOOPBACK_TLS.cert, maxConnections: 1 });
    const requests = Array.from({ length: 45 }, () => requestFor(mock!, [{ status: 201, delayMs: 20 }]));
    const answers = await Promise.all(requests.map(({ request }) => connections!.post(request)));
    expect(answers.map((a) => a.status)).toEqual(requests.map(() => 201));
    expect(mock.connections()).toEqual({ opened: 1, peakStreams: 10 });
  });

  it('sends a refused stream again, which the push service then processes once', async () => {
    mock = await startMockPushService({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    connections = createPushConnections({ ca: LOOPBACK_TLS.cert });
    const { id, request } = requestFor(mock, [{ refuse: true }, { status: 201 }]);
    expect((await connections.post(request)).status).toBe(201);
    expect(mock.received(id).map((r) => r.answered)).toEqual([201]);
  });

  it('after a GOAWAY, sends a request the push service did not process again on a new connection', async () => {
    mock = await startMockPushService({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    connections = createPushConnections({ ca: LOOPBACK_TLS.cert });
    const warm = requestFor(mock, [{ status: 201 }]);
    expect((await connections.post(warm.request)).status).toBe(201);
    const { id, request } = requestFor(mock, [{ goaway: true }, { status: 201 }]);
    expect((await connections.post(request)).status).toBe(201);
    expect(mock.received(id).map((r) => r.answered)).toEqual([201]);
    expect(mock.connections().opened).toBe(2);
    const after = requestFor(mock, [{ status: 201 }]);
    expect((await connections.post(after.request)).status).toBe(201);
    expect(mock.connections().opened).toBe(2); // the new connection carries on
  });

  it('reports a stream reset after the push service read it as a network error, not as refused: it may have been delivered', async () => {
    mock = await startMockPushService({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    connections = createPushConnections({ ca: LOOPBACK_TLS.cert });
    const { id, request } = requestFor(mock, [{ reset: true }, { status: 201 }]);
    await expect(connections.post(request)).rejects.toMatchObject({ code: 'network-error' });
    expect(mock.received(id)).toHaveLength(1); // not sent again here: the retry policy decides
  });

  it('times out a stream the push service never answers, and the connection serves others meanwhile', async () => {
    mock = await startMockPushService({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    connections = createPushConnections({ ca: LOOPBACK_TLS.cert, maxConnections: 1 });
    const hung = requestFor(mock, [{ hang: true }]);
    const fine = requestFor(mock, [{ status: 201 }]);
    const hanging = connections.post(hung.request, 500);
    expect((await connections.post(fine.request, 500)).status).toBe(201);
    await expect(hanging).rejects.toMatchObject({ code: 'timeout' });
    expect(mock.connections().opened).toBe(1);
  });

  it('fails with network-error when the push service cannot be reached', async () => {
    mock = await startMockPushService({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    const { request } = requestFor(mock, [{ status: 201 }]);
    await mock.close();
    mock = undefined;
    connections = createPushConnections({ ca: LOOPBACK_TLS.cert });
    await expect(connections.post(request, 1000)).rejects.toMatchObject({ code: 'network-error' });
  });
});
