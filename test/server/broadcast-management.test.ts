import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockPushService, type Answer, type MockPushService, type MockSubscription } from '../support/mock-push-service.js';
import { startHarness, validMessage, type Harness } from '../support/push-server-harness.js';

let mock: MockPushService;
let h: Harness;
beforeAll(async () => {
  mock = await startMockPushService();
});
afterAll(() => mock.close());
afterEach(() => h?.close());

const json = async <T = Record<string, unknown>>(res: Response | Promise<Response>) => (await (await res).json()) as T;
type Status = { id: string; status: string; total: number; sent: number; failed: number; gone: number; unsent: number; pending: number; pushServices?: Record<string, Record<string, number>> };
const status = (id: string) => json<Status>(h.call('GET', `/api/notifications/${id}`, undefined, true));
async function subscribeAll(answers: Answer[][]): Promise<MockSubscription[]> {
  const subs = answers.map((a) => mock.subscribe(a));
  for (const { subscription } of subs) expect((await h.call('POST', '/api/subscriptions', { subscription })).status).toBe(201);
  return subs;
}
async function create(body: Record<string, unknown> = {}): Promise<string> {
  const res = await h.call('POST', '/api/notifications', { message: validMessage(), ...body }, true);
  expect(res.status).toBe(202);
  return (await json<{ id: string }>(res)).id;
}
const receivedBy = (subs: MockSubscription[]) => subs.reduce((n, s) => n + mock.received(s.id).length, 0);
const until = async (check: () => boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('listing broadcasts', () => {
  it('lists newest first, limit at a time, with a cursor to the next page', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await create());
    await h.engine.idle();
    const first = await json<{ notifications: Status[]; next?: string }>(h.call('GET', '/api/notifications?limit=2', undefined, true));
    expect(first.notifications.map((n) => n.id)).toEqual([ids[4], ids[3]]);
    expect(first.notifications[0]).toMatchObject({ status: 'done', target: 'everyone' });
    const second = await json<{ notifications: Status[]; next?: string }>(h.call('GET', `/api/notifications?limit=2&before=${first.next}`, undefined, true));
    expect(second.notifications.map((n) => n.id)).toEqual([ids[2], ids[1]]);
    const last = await json<{ notifications: Status[]; next?: string }>(h.call('GET', `/api/notifications?limit=2&before=${second.next}`, undefined, true));
    expect(last).toEqual({ notifications: [expect.objectContaining({ id: ids[0] })] });
    expect((await h.call('GET', '/api/notifications')).status).toBe(401);
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'before=nope', 'page=2']) {
      expect((await h.call('GET', `/api/notifications?${query}`, undefined, true)).status).toBe(400);
    }
  });
});

describe('cancelling', () => {
  it('stops a broadcast: nothing more leaves, requests in flight finish and count', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] }); // 8 requests in flight at most
    const subs = await subscribeAll(Array.from({ length: 40 }, () => [{ status: 201, delayMs: 150 }]));
    const id = await create();
    await until(() => receivedBy(subs) >= 1);
    const res = await h.call('DELETE', `/api/notifications/${id}`, undefined, true);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id, status: 'cancelled' });
    await h.engine.idle();
    // What left before the cancel: at most the requests then in flight.
    const atCancel = receivedBy(subs);
    expect(atCancel).toBeGreaterThanOrEqual(1);
    expect(atCancel).toBeLessThanOrEqual(8);
    await new Promise((r) => setTimeout(r, 300));
    expect(receivedBy(subs)).toBe(atCancel);
    const final = await status(id);
    expect(final).toMatchObject({ status: 'cancelled', total: 40, sent: atCancel, pending: 0, unsent: 40 - atCancel });
    expect(final.pushServices).toEqual({ [mock.origin]: { pending: 0, sent: atCancel, failed: 0, gone: 0, unsent: 40 - atCancel } });
    const again = await h.call('DELETE', `/api/notifications/${id}`, undefined, true);
    expect([again.status, (await json<{ error: { code: string } }>(again)).error.code]).toEqual([409, 'already-finished']);
    expect((await h.call('DELETE', '/api/notifications/unknown', undefined, true)).status).toBe(404);
  });

  it('a broadcast waiting for a retry is cancelled before the retry leaves', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const [sub] = await subscribeAll([[{ status: 503, retryAfter: 1 }, { status: 201 }]]);
    const id = await create();
    await until(() => mock.received(sub!.id).length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect((await h.call('DELETE', `/api/notifications/${id}`, undefined, true)).status).toBe(200);
    await h.engine.idle();
    await new Promise((r) => setTimeout(r, 1200));
    expect(mock.received(sub!.id)).toHaveLength(1);
    expect(await status(id)).toMatchObject({ status: 'cancelled', unsent: 1, pending: 0 });
  });
});

describe('TTL', () => {
  it('a broadcast whose TTL runs out before its retry stops as expired', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const [sub] = await subscribeAll([[{ status: 503, retryAfter: 2 }, { status: 201 }]]);
    const id = await create({ ttl: 1 });
    await h.engine.idle();
    expect(mock.received(sub!.id)).toHaveLength(1);
    expect(await status(id)).toMatchObject({ status: 'expired', sent: 0, unsent: 1, pending: 0 });
  });

  it('a broadcast picked up after its TTL ran out (a server down meanwhile) sends nothing', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const [sub] = await subscribeAll([[{ status: 201 }]]);
    const payload = new TextEncoder().encode(JSON.stringify(validMessage()));
    const id = await h.store.createBroadcast(payload, { ttl: 60, target: null }, Date.now() - 61_000);
    await h.engine.enqueue(id);
    await h.engine.idle();
    expect(mock.received(sub!.id)).toHaveLength(0);
    expect(await status(id)).toMatchObject({ status: 'expired', total: 1, unsent: 1 });
  });
});

describe('metrics', () => {
  const sample = (text: string, name: string, labels: Record<string, string> = {}) => {
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? wanted.every((w) => l.includes(w)) : false);
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('GET /metrics (admin) counts what the push service counted, in the Prometheus text format', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const subs = await subscribeAll([[{ status: 201 }], [{ status: 201 }], [{ status: 201 }], [{ status: 410 }], [{ status: 500 }, { status: 201 }], [{ status: 400 }]]);
    const id = await create();
    await h.engine.idle();
    expect(await status(id)).toMatchObject({ status: 'done', sent: 4, gone: 1, failed: 1 });
    expect((await h.call('GET', '/metrics')).status).toBe(401);
    const res = await h.call('GET', '/metrics', undefined, true);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    const arrived = subs.flatMap((sub) => mock.received(sub.id));
    const answered = (code: number) => arrived.filter((r) => r.answered === code).length;
    const ps = { push_service: mock.origin };
    for (const code of [201, 410, 500, 400]) expect(sample(text, 'dwp_push_requests_total', { ...ps, status: String(code) })).toBe(answered(code));
    expect(sample(text, 'dwp_push_request_duration_seconds_count', ps)).toBe(arrived.length);
    expect(sample(text, 'dwp_deliveries_total', { ...ps, outcome: 'sent' })).toBe(answered(201));
    expect(sample(text, 'dwp_deliveries_total', { ...ps, outcome: 'gone' })).toBe(answered(410));
    expect(sample(text, 'dwp_deliveries_total', { ...ps, outcome: 'failed' })).toBe(answered(400));
    expect(sample(text, 'dwp_delivery_retries_total', ps)).toBe(answered(500));
    expect(sample(text, 'dwp_queue_depth')).toBe(0);
    expect(sample(text, 'dwp_subscriptions')).toBe(5);
    expect(text).toContain('# TYPE dwp_push_request_duration_seconds histogram');
  });

  it('counts the client rate limit’s refusals by route', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin], clientRateLimit: { perMinute: 2 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await h.call('POST', '/api/lint', { message: validMessage() })).status);
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    const text = await (await h.call('GET', '/metrics', undefined, true)).text();
    expect(sample(text, 'dwp_rate_limited_total', { route: 'POST /api/lint' })).toBe(3);
  });

  it('the queue depth counts deliveries still to go', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    await subscribeAll([[{ status: 201 }], [{ status: 201 }]]);
    await h.store.createBroadcast(new TextEncoder().encode(JSON.stringify(validMessage())), { ttl: 60, target: null });
    expect(sample(await (await h.call('GET', '/metrics', undefined, true)).text(), 'dwp_queue_depth')).toBe(2);
  });
});
