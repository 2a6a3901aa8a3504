import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintGrant } from '../../server/grant.js';
import { startMockPushService, type MockPushService, type MockSubscription } from '../support/mock-push-service.js';
import { GRANT_SECRET, startHarness, validMessage, type Harness } from '../support/push-server-harness.js';

let mock: MockPushService;
let h: Harness;
beforeAll(async () => {
  mock = await startMockPushService();
});
afterAll(() => mock.close());
afterEach(() => h?.close());

const start = async () => (h = await startHarness({ allowPushOrigins: [mock.origin], publicChannels: ['news'] }));
const json = async <T = Record<string, unknown>>(res: Response | Promise<Response>) => (await (await res).json()) as T;
const errorCode = async (res: Response) => (await json<{ error: { code: string } }>(res)).error.code;
const grantFor = async (body: Record<string, unknown>) => {
  const res = await h.call('POST', '/api/grants', body, true);
  expect(res.status).toBe(201);
  return (await json<{ grant: string; expiresAt: string }>(res)).grant;
};
const subscribe = async (body: Record<string, unknown> = {}) => {
  const sub = mock.subscribe();
  return { sub, res: await h.call('POST', '/api/subscriptions', { subscription: sub.subscription, ...body }) };
};
async function send(body: Record<string, unknown>) {
  const res = await h.call('POST', '/api/notifications', { message: validMessage(), ...body }, true);
  expect(res.status).toBe(202);
  const { id } = await json<{ id: string }>(res);
  await h.engine.idle();
  return json<{ status: string; total: number; sent: number }>(h.call('GET', `/api/notifications/${id}`, undefined, true));
}
const got = (s: MockSubscription) => mock.received(s.id).length;

describe('grants', () => {
  it('are minted by POST /api/grants for the admin only, expiring after the ttl', async () => {
    await start();
    expect((await h.call('POST', '/api/grants', { user: 'alice' })).status).toBe(401);
    const before = Date.now();
    const res = await h.call('POST', '/api/grants', { user: 'alice', channels: ['orders'], ttl: 60 }, true);
    expect(res.status).toBe(201);
    const { grant, expiresAt } = await json<{ grant: string; expiresAt: string }>(res);
    expect(grant.startsWith('dwpg1.')).toBe(true);
    expect(Date.parse(expiresAt) - before).toBeGreaterThan(58_000);
    expect(Date.parse(expiresAt) - before).toBeLessThanOrEqual(61_000);
    const bad = await h.call('POST', '/api/grants', { user: 'alice', ttl: 90_000 }, true);
    expect([bad.status, await errorCode(bad)]).toEqual([400, 'invalid-option']);
  });

  it('minted offline from the same secret are accepted by the server', async () => {
    await start();
    const { grant } = mintGrant(GRANT_SECRET, { user: 'carol' });
    const { res } = await subscribe({ grant });
    expect(await json(res)).toMatchObject({ user: 'carol', channels: [] });
  });
});

describe('subscribing', () => {
  it('without a grant joins public channels only: a private channel or a user needs one, and nothing is stored', async () => {
    await start();
    expect((await subscribe({ channels: ['news'] })).res.status).toBe(201);
    const { res } = await subscribe({ channels: ['news', 'orders'] });
    expect(res.status).toBe(403);
    expect(await json(res)).toMatchObject({ error: { code: 'channel-not-allowed', channel: 'orders' } });
    // A user cannot be claimed by naming it: the subscribe body has no such member.
    const claimed = await subscribe({ user: 'alice' });
    expect([claimed.res.status, await errorCode(claimed.res)]).toEqual([400, 'unknown-member']);
    expect(await h.store.countSubscriptions()).toBe(1);
  });

  it('with a grant joins its user and its channels (all of them by default), plus public ones, and no other', async () => {
    await start();
    const grant = await grantFor({ user: 'alice', channels: ['orders', 'billing'] });
    const all = await subscribe({ grant });
    expect(await json(all.res)).toMatchObject({ user: 'alice', channels: ['orders', 'billing'] });
    const some = await subscribe({ grant, channels: ['orders', 'news'] });
    expect(await json(some.res)).toMatchObject({ user: 'alice', channels: ['orders', 'news'] });
    const other = await subscribe({ grant, channels: ['orders', 'admin-alerts'] });
    expect(other.res.status).toBe(403);
    expect(await json(other.res)).toMatchObject({ error: { code: 'channel-not-allowed', channel: 'admin-alerts' } });
    expect(await h.store.countSubscriptions()).toBe(2);
    expect((await h.store.userSubscriptions('alice')).map((s) => s.channels)).toEqual([['billing', 'orders'], ['news', 'orders']]);
  });

  it('refuses an expired or tampered grant with 403 and stores nothing', async () => {
    await start();
    const expired = mintGrant(GRANT_SECRET, { user: 'alice' }, Date.now() - 601_000).grant;
    const e = await subscribe({ grant: expired });
    expect([e.res.status, await errorCode(e.res)]).toEqual([403, 'grant-expired']);
    const good = await grantFor({ user: 'alice' });
    const [prefix, , mac] = good.split('.');
    const asBob = `${prefix}.${Buffer.from(JSON.stringify({ u: 'bob', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')}.${mac}`;
    const t = await subscribe({ grant: asBob });
    expect([t.res.status, await errorCode(t.res)]).toEqual([403, 'grant-invalid']);
    const n = await subscribe({ grant: 'dwpg1.e30.AAAA' });
    expect([n.res.status, await errorCode(n.res)]).toEqual([403, 'grant-invalid']);
    expect(await h.store.countSubscriptions()).toBe(0);
  });
});

describe('targeting', () => {
  it('a user reaches all of that user’s devices and nobody else', async () => {
    await start();
    const alice = await grantFor({ user: 'alice' });
    const phone = (await subscribe({ grant: alice })).sub;
    const laptop = (await subscribe({ grant: alice })).sub;
    const bob = (await subscribe({ grant: await grantFor({ user: 'bob' }) })).sub;
    const stranger = (await subscribe({ channels: ['news'] })).sub;
    expect(await send({ user: 'alice' })).toMatchObject({ status: 'done', total: 2, sent: 2 });
    expect([got(phone), got(laptop), got(bob), got(stranger)]).toEqual([1, 1, 0, 0]);
  });

  it('users and channels together reach their union, each subscription once', async () => {
    await start();
    const aliceInNews = (await subscribe({ grant: await grantFor({ user: 'alice' }), channels: ['news'] })).sub;
    const bob = (await subscribe({ grant: await grantFor({ user: 'bob', channels: ['orders'] }) })).sub;
    const news = (await subscribe({ channels: ['news'] })).sub;
    const nobody = (await subscribe()).sub;
    const status = await send({ user: 'alice', users: ['alice', 'bob'], channel: 'news', channels: ['orders', 'news'] });
    expect(status).toMatchObject({ status: 'done', total: 3, sent: 3 });
    expect([got(aliceInNews), got(bob), got(news), got(nobody)]).toEqual([1, 1, 1, 0]);
    // An empty list is a target that reaches nobody, never everybody.
    expect(await send({ users: [] })).toMatchObject({ status: 'done', total: 0 });
    expect(got(nobody)).toBe(0);
  });

  it.each([
    ['POST', '/api/notifications', { message: validMessage(), usr: 'alice' }, true],
    ['POST', '/api/notifications', { message: validMessage(), target: { user: 'alice' } }, true],
    ['POST', '/api/subscriptions', { subscription: {}, channel: 'news' }, false],
    ['DELETE', '/api/subscriptions', { endpoint: 'https://fcm.googleapis.com/x', user: 'alice' }, false],
    ['POST', '/api/lint', { message: validMessage(), profiles: 'spec' }, false],
    ['POST', '/api/grants', { user: 'alice', channel: 'orders' }, true],
  ])('refuses an unknown member: %s %s %j', async (method, path, body, admin) => {
    await start();
    await subscribe({ channels: ['news'] });
    const res = await h.call(method, path, body, admin);
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ error: { code: 'unknown-member' } });
    expect(await h.store.listBroadcasts(10)).toEqual([]);
  });

  it('refuses a bad target with invalid-option and sends nothing', async () => {
    await start();
    for (const body of [{ user: '' }, { users: 'alice' }, { users: Array.from({ length: 1001 }, (_, i) => `u${i}`) }, { channels: ['a b'] }, { send_at: 'tomorrow' }]) {
      const res = await h.call('POST', '/api/notifications', { message: validMessage(), ...body }, true);
      expect([res.status, await errorCode(res)]).toEqual([400, 'invalid-option']);
    }
    expect(await h.store.listBroadcasts(10)).toEqual([]);
  });
});

describe('users and channels', () => {
  it('lists a user’s devices without endpoints or keys, with their last outcome; deleting the user removes them all', async () => {
    await start();
    const alice = await grantFor({ user: 'alice', channels: ['orders'] });
    const phone = (await subscribe({ grant: alice })).sub;
    await subscribe({ grant: alice });
    const bob = (await subscribe({ grant: await grantFor({ user: 'bob' }) })).sub;
    await send({ user: 'alice' });
    expect((await h.call('GET', '/api/users/alice/subscriptions')).status).toBe(401);
    const res = await h.call('GET', '/api/users/alice/subscriptions', undefined, true);
    const text = await res.text();
    expect(text).not.toContain(phone.subscription.endpoint);
    expect(text).not.toContain(phone.subscription.keys.auth);
    expect(text).not.toContain(phone.subscription.keys.p256dh);
    const listed = JSON.parse(text) as { user: string; subscriptions: { pushService: string; channels: string[]; createdAt: string; lastOutcome: { state: string; status: number } }[] };
    expect(listed.user).toBe('alice');
    expect(listed.subscriptions).toHaveLength(2);
    for (const s of listed.subscriptions) {
      expect(s).toMatchObject({ pushService: mock.origin, channels: ['orders'], lastOutcome: { state: 'sent', status: 201 } });
      expect(Number.isNaN(Date.parse(s.createdAt))).toBe(false);
    }

    expect(await json(h.call('DELETE', '/api/users/alice', undefined, true))).toEqual({ user: 'alice', deleted: 2 });
    expect(await json(h.call('GET', '/api/users/alice/subscriptions', undefined, true))).toEqual({ user: 'alice', subscriptions: [] });
    expect(await h.store.getSubscription(bob.subscription.endpoint)).toBeDefined();
    expect((await h.call('GET', '/api/users/not%20a%20name/subscriptions', undefined, true)).status).toBe(400);
  });

  it('counts subscribers per channel and in all, never listing endpoints', async () => {
    await start();
    await subscribe({ channels: ['news'] });
    await subscribe({ grant: await grantFor({ user: 'alice', channels: ['orders'] }), channels: ['orders', 'news'] });
    await subscribe();
    expect((await h.call('GET', '/api/channels')).status).toBe(401);
    expect(await json(h.call('GET', '/api/channels', undefined, true))).toEqual({
      total: 3, users: 1, channels: [{ channel: 'news', subscribers: 2 }, { channel: 'orders', subscribers: 1 }],
    });
  });
});
