import { afterEach, describe, expect, it } from 'vitest';
import { LOOPBACK_TLS } from '../support/loopback-tls.js';
import { startMockPushService, type Answer, type MockPushService } from '../support/mock-push-service.js';
import { startHarness, validMessage, type Harness } from '../support/push-server-harness.js';

let h: Harness | undefined;
const mocks: MockPushService[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});

async function mock(options: Parameters<typeof startMockPushService>[0] = {}): Promise<MockPushService> {
  const m = await startMockPushService(options);
  mocks.push(m);
  return m;
}

/** Subscribes straight into the store: thousands through the API would only slow the test. */
async function subscribeMany(harness: Harness, service: MockPushService, n: number, answers: Answer[]) {
  const subs = Array.from({ length: n }, () => service.subscribe(answers));
  await harness.store.saveSubscriptions(subs.map(({ subscription }) => ({ subscription, origin: service.origin })));
  return subs;
}

async function startBroadcast(harness: Harness): Promise<string> {
  const id = await harness.store.createBroadcast(new TextEncoder().encode(JSON.stringify(validMessage())), { ttl: 60, target: null });
  await harness.engine.enqueue(id);
  return id;
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000 && !await condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await condition()).toBe(true);
}

describe('broadcast fan-out across push services', () => {
  it('does not hold deliveries to a healthy push service behind a hanging one (head-of-line): each has its own queue', async () => {
    const hanging = await mock();
    const healthy = await mock({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    h = await startHarness({ allowPushOrigins: [hanging.origin, healthy.origin], workers: 1, engine: { concurrency: 64, timeoutMs: 4000 } });
    // Interleaved, more hanging deliveries than one origin's queue holds (1,024), so a scan that waited for it would stall.
    const healthySubs: ReturnType<MockPushService['subscribe']>[] = [];
    for (let round = 0; round < 300; round++) {
      await subscribeMany(h, hanging, 5, [{ hang: true }]);
      healthySubs.push(...await subscribeMany(h, healthy, 1, [{ status: 201 }]));
    }
    const id = await startBroadcast(h);
    await until(() => healthySubs.every((s) => healthy.received(s.id).length === 1));
    const firstHanging = Math.min(...hanging.all().map((r) => r.at));
    const lastHealthy = Math.max(...healthy.all().map((r) => r.at));
    // Every healthy delivery went out before the first hanging request could even time out.
    expect(lastHealthy).toBeLessThan(firstHanging + 4000);
    expect(hanging.all().length).toBeLessThan(1500); // the hanging service got a bounded share, not everything at once
    await until(async () => (await h!.store.getBroadcast(id))!.sent === 300);
  });

  it('broadcasts over HTTP/2 within the push service’s stream limit, each subscriber once', async () => {
    const service = await mock({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    h = await startHarness({ allowPushOrigins: [service.origin], workers: 1, engine: { concurrency: 256 } });
    const subs = await subscribeMany(h, service, 600, [{ status: 201, delayMs: 30 }]);
    const id = await startBroadcast(h);
    await h.engine.idle();
    expect(await h.store.getBroadcast(id)).toMatchObject({ status: 'done', sent: 600, failed: 0 });
    expect(subs.every((s) => service.received(s.id).length === 1)).toBe(true);
    expect(new Set(service.versions())).toEqual(new Set(['2.0']));
    expect(service.connections().peakStreams).toBeLessThanOrEqual(100);
  });

  it('sends a refused stream again at once, but a reset one only through the retry policy (it may have been delivered)', async () => {
    const service = await mock({ tls: LOOPBACK_TLS, http2: { maxConcurrentStreams: 100 } });
    h = await startHarness({ allowPushOrigins: [service.origin] });
    const [refused] = await subscribeMany(h, service, 1, [{ refuse: true }, { status: 201 }]);
    const [reset] = await subscribeMany(h, service, 1, [{ reset: true }, { status: 201 }]);
    const [goaway] = await subscribeMany(h, service, 1, [{ goaway: true }, { status: 201 }]);
    const id = await startBroadcast(h);
    await h.engine.idle();
    expect(await h.store.getBroadcast(id)).toMatchObject({ status: 'done', sent: 3, failed: 0 });
    expect(service.received(refused!.id).map((r) => r.answered)).toEqual([201]);
    expect(service.received(goaway!.id).map((r) => r.answered)).toEqual([201]);
    const [first, second] = service.received(reset!.id);
    expect([first!.answered, second!.answered]).toEqual([null, 201]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(40); // the harness's backoff (50 ms, ±20%)
  });

  it('pauses a push service that falls silent: its waiting deliveries are handed back, not held behind timeouts, and end as failed', async () => {
    const silent = await mock();
    h = await startHarness({ allowPushOrigins: [silent.origin], engine: { timeoutMs: 500 } });
    await subscribeMany(h, silent, 200, [{ hang: true }]);
    const id = await startBroadcast(h);
    await h.engine.idle();
    expect(await h.store.getBroadcast(id)).toMatchObject({ status: 'done', failed: 200, sent: 0, pending: 0 });
    // Four attempts each (the harness's limit) would be 800 requests; most were handed back unsent.
    expect(silent.all().length).toBeLessThan(100);
  });
});
