import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toPortableMessage } from '../../src/to-portable-message.js';
import type { StandardMessageJSON } from '../../src/declarative-message.js';
import { startMockPushService, type Answer, type MockPushService } from '../support/mock-push-service.js';
import { readVapidHeader, startHarness, validMessage, type Harness } from '../support/push-server-harness.js';

let mock: MockPushService;
let h: Harness | undefined;

beforeAll(async () => { mock = await startMockPushService(); });
afterAll(() => mock.close());
afterEach(async () => { await h?.close(); h = undefined; });

interface Status { id: string; status: string; total: number; sent: number; failed: number; gone: number; pending: number; problems: { code: string; origin: string; count: number }[]; failures: { status: number | null; code: string | null; count: number }[] }

async function subscribe(harness: Harness, answers: Answer[][], channels?: string[]) {
  const subs = answers.map((a) => mock.subscribe(a));
  for (const { subscription } of subs) {
    const res = await harness.call('POST', '/api/subscriptions', { subscription, ...(channels ? { channels } : {}) });
    expect(res.status).toBe(201);
  }
  return subs;
}

async function broadcast(harness: Harness, body: Record<string, unknown>): Promise<Status> {
  const res = await harness.call('POST', '/api/notifications', body, true);
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await harness.engine.idle();
  return (await (await harness.call('GET', `/api/notifications/${id}`, undefined, true)).json()) as Status;
}

describe('broadcasts', () => {
  it('delivers the portable message to every subscriber: decrypted payload and headers as sent', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin], workers: 1 });
    const subs = await subscribe(h, [[{ status: 201 }], [{ status: 201 }], [{ status: 201 }]]);
    const message = { ...validMessage(), app_badge: 2 };
    const status = await broadcast(h, { message, ttl: 60, urgency: 'low', topic: 'digest' });

    expect(status).toMatchObject({ status: 'done', total: 3, sent: 3, failed: 0, gone: 0, pending: 0, problems: [] });
    for (const { id } of subs) {
      const [received, ...more] = mock.received(id);
      expect(more).toHaveLength(0);
      expect(JSON.parse(received!.payload!)).toEqual(toPortableMessage(message as StandardMessageJSON));
      expect(received!.headers).toMatchObject({ 'content-type': 'application/notification+json', 'content-encoding': 'aes128gcm', ttl: '60', urgency: 'low', topic: 'digest' });
      expect(readVapidHeader(received!.headers.authorization).claims.aud).toBe(mock.origin);
    }
  });

  it('only reaches the subscribers of a channel when one is named', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin], publicChannels: ['news', 'sport'] });
    const [news] = await subscribe(h, [[{ status: 201 }]], ['news']);
    const [other] = await subscribe(h, [[{ status: 201 }]], ['sport']);
    const status = await broadcast(h, { message: validMessage(), channel: 'news' });
    expect(status).toMatchObject({ status: 'done', total: 1, sent: 1 });
    expect(mock.received(news!.id)).toHaveLength(1);
    expect(mock.received(other!.id)).toHaveLength(0);
  });

  it('without a channel reaches every subscriber, in a channel or not; a message given as JSON text is sent like the value', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin], publicChannels: ['news'] });
    const [news] = await subscribe(h, [[{ status: 201 }]], ['news']);
    const [none] = await subscribe(h, [[{ status: 201 }]]);
    const message = { ...validMessage(), app_badge: '4' };
    const status = await broadcast(h, { message: JSON.stringify(message, null, 2) });
    expect(status).toMatchObject({ status: 'done', total: 2, sent: 2 });
    for (const { id } of [news!, none!]) {
      expect(mock.received(id).map((r) => JSON.parse(r.payload!) as unknown)).toEqual([toPortableMessage(message as unknown as StandardMessageJSON)]);
    }
  });

  it('deletes a subscription answered 410 or 404 and counts it gone', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const [gone410, gone404, fine] = await subscribe(h, [[{ status: 410 }], [{ status: 404 }], [{ status: 201 }]]);
    const status = await broadcast(h, { message: validMessage() });
    expect(status).toMatchObject({ status: 'done', total: 3, sent: 1, gone: 2, pending: 0 });
    expect(await h.store.getSubscription(gone410!.subscription.endpoint)).toBeUndefined();
    expect(await h.store.getSubscription(gone404!.subscription.endpoint)).toBeUndefined();
    expect(await h.store.getSubscription(fine!.subscription.endpoint)).toBeDefined();
    expect(mock.received(gone410!.id)).toHaveLength(1);
  });

  it('retries a 429 no sooner than its Retry-After', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const [limited] = await subscribe(h, [[{ status: 429, retryAfter: 1 }, { status: 201 }]]);
    const status = await broadcast(h, { message: validMessage() });
    expect(status).toMatchObject({ status: 'done', sent: 1, failed: 0 });
    const [first, second] = mock.received(limited!.id);
    expect(first!.answered).toBe(429);
    expect(second!.answered).toBe(201);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
  });

  it('retries 5xx and a push service that does not answer, with backoff, until the attempt limit', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin], engine: { timeoutMs: 300 } });
    const [flaky, hung, broken] = await subscribe(h, [
      [{ status: 500 }, { status: 503 }, { status: 201 }],
      [{ hang: true }, { status: 201 }],
      [{ status: 500 }],
    ]);
    const status = await broadcast(h, { message: validMessage() });
    expect(status).toMatchObject({ status: 'done', total: 3, sent: 2, failed: 1, pending: 0 });
    expect(mock.received(flaky!.id).map((r) => r.answered)).toEqual([500, 503, 201]);
    expect(mock.received(hung!.id)).toHaveLength(2);
    expect(mock.received(broken!.id)).toHaveLength(4); // maxAttempts in the harness
    expect(await h.store.getSubscription(broken!.subscription.endpoint)).toBeDefined();
  });

  it('does not retry 400 or 413', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const [bad, large] = await subscribe(h, [[{ status: 400 }], [{ status: 413 }]]);
    const status = await broadcast(h, { message: validMessage() });
    expect(status).toMatchObject({ status: 'done', failed: 2 });
    expect(mock.received(bad!.id)).toHaveLength(1);
    expect(mock.received(large!.id)).toHaveLength(1);
  });

  it('keeps the last reason of each failed delivery and shows them in the broadcast status', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin], engine: { timeoutMs: 200, retry: { baseDelayMs: 10, maxAttempts: 2 } } });
    await subscribe(h, [[{ status: 400 }], [{ status: 400 }], [{ hang: true }, { hang: true }], [{ status: 201 }]]);
    const status = await broadcast(h, { message: validMessage() });
    expect(status).toMatchObject({ status: 'done', sent: 1, failed: 3 });
    expect(status.failures).toEqual([{ status: 400, code: null, count: 2 }, { status: null, code: 'timeout', count: 1 }]);
  });

  it('records an exception no code path expects as a failure logged as a bug, not retried as a network error', async () => {
    const lines: string[] = [];
    h = await startHarness({
      allowPushOrigins: [mock.origin],
      engine: { log: (line) => lines.push(line), authorize: () => { throw new TypeError('cannot read properties of undefined'); } },
    });
    const [sub] = await subscribe(h, [[{ status: 201 }]]);
    const status = await broadcast(h, { message: validMessage() });
    expect(status).toMatchObject({ status: 'done', sent: 0, failed: 1, pending: 0 });
    expect(status.failures).toEqual([{ status: null, code: 'internal-error', count: 1 }]);
    expect(mock.received(sub!.id)).toHaveLength(0);
    expect(lines.filter((l) => l.includes('BUG') && l.includes('cannot read properties of undefined'))).toHaveLength(1);
  });

  it('reports many 403s from one push service as a VAPID problem and keeps the subscriptions', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const subs = await subscribe(h, Array.from({ length: 6 }, () => [{ status: 403 }]));
    const status = await broadcast(h, { message: validMessage() });
    expect(status).toMatchObject({ status: 'done', failed: 6, gone: 0 });
    expect(status.problems).toEqual([{ code: 'vapid-rejected', origin: mock.origin, count: 6 }]);
    expect(await h.store.countSubscriptions()).toBe(subs.length);
  });

  it('skips a subscriber who unsubscribed after the broadcast was created', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const [leaving] = await subscribe(h, [[{ status: 201 }]]);
    const id = await h.store.createBroadcast(new TextEncoder().encode(JSON.stringify(validMessage())), { ttl: 60, target: null });
    await h.store.deleteSubscription(leaving!.subscription.endpoint);
    await h.engine.enqueue(id);
    await h.engine.idle();
    expect(await h.store.getBroadcast(id)).toMatchObject({ status: 'done', gone: 1, pending: 0 });
    expect(mock.received(leaving!.id)).toHaveLength(0);
  });

  it('does not hold a later broadcast up while an earlier one waits to retry', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin], publicChannels: ['a', 'b'] });
    const [slow] = await subscribe(h, [[{ status: 503, retryAfter: 2 }, { status: 201 }]], ['a']);
    const [quick] = await subscribe(h, [[{ status: 201 }]], ['b']);
    const first = (await (await h.call('POST', '/api/notifications', { message: validMessage(), channel: 'a' }, true)).json()) as { id: string };
    const second = (await (await h.call('POST', '/api/notifications', { message: validMessage(), channel: 'b' }, true)).json()) as { id: string };
    for (let i = 0; i < 100 && (await h.store.getBroadcast(second.id))!.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await h.store.getBroadcast(second.id))!.status).toBe('done');
    expect(await h.store.getBroadcast(first.id)).toMatchObject({ status: 'running', pending: 1 });
    expect(mock.received(quick!.id)).toHaveLength(1);
    await h.engine.idle();
    expect(await h.store.getBroadcast(first.id)).toMatchObject({ status: 'done', sent: 1 });
    expect(mock.received(slow!.id)).toHaveLength(2);
  });
});
