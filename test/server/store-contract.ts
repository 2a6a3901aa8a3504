/**
 * The store contract: what every `Store` driver must do, run against each (sqlite-store.test.ts,
 * postgres-store.test.ts). `open` gives an empty store; `close` removes it.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_SIZE, type BatchRef, type DeliveryOutcome, type Store } from '../../server/store/store.js';

export interface StoreFixture {
  store: Store;
  close(): Promise<void>;
}

const ORIGIN = 'https://push.example';
const PAYLOAD = new TextEncoder().encode('{"web_push":8030}');
const keys = { p256dh: createECDH('prime256v1').generateKeys('base64url'), auth: randomBytes(16).toString('base64url') };
const subscription = (n: number) => ({ endpoint: `${ORIGIN}/push/${n}`, keys });
const sent = (subscriptionId: number): DeliveryOutcome => ({ subscriptionId, state: 'sent', attempts: 1, retryInMs: 0, lastStatus: 201, lastError: null });

export function describeStoreContract(name: string, open: () => Promise<StoreFixture>, describeIt: typeof describe = describe): void {
  describeIt(`store contract: ${name}`, () => {
    let fixture: StoreFixture | undefined;
    let store: Store;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture?.close();
      fixture = undefined;
    });

    async function broadcastTo(n: number, channel?: string): Promise<{ id: string; ids: number[] }> {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push(await store.saveSubscription(subscription(i), ORIGIN, channel ? [channel] : []));
      return { id: await store.createBroadcast(PAYLOAD, { ttl: 60, urgency: 'high', topic: 't1', target: channel ? { users: [], channels: [channel] } : null }), ids };
    }

    it('saves a subscription, replaces it by endpoint, finds, counts and deletes it', async () => {
      const id = await store.saveSubscription(subscription(1), ORIGIN, ['news']);
      const renewed = { endpoint: subscription(1).endpoint, keys: { ...keys, auth: 'renewed-auth-000000000' } };
      expect(await store.saveSubscription(renewed, ORIGIN, [])).toBe(id);
      expect(await store.getSubscription(renewed.endpoint)).toEqual({ id, ...renewed });
      expect(await store.countSubscriptions()).toBe(1);
      // Its channels were replaced too: a broadcast to "news" reaches nobody.
      const news = await store.createBroadcast(PAYLOAD, { ttl: 60, target: { users: [], channels: ['news'] } });
      expect(await store.getBroadcast(news)).toMatchObject({ total: 0 });
      expect(await store.deleteSubscription(renewed.endpoint)).toBe(true);
      expect(await store.deleteSubscription(renewed.endpoint)).toBe(false);
      expect(await store.getSubscription(renewed.endpoint)).toBeUndefined();
      expect(await store.countSubscriptions()).toBe(0);
    });

    it('records a broadcast with its options, its recipients (all, or one channel) and batches of BATCH_SIZE', async () => {
      const n = BATCH_SIZE * 2 + 3;
      await store.saveSubscriptions(Array.from({ length: n }, (_, i) => ({ subscription: subscription(i), origin: ORIGIN, channels: i % 2 ? ['odd'] : [] })));
      expect(await store.countSubscriptions()).toBe(n);
      const all = await store.createBroadcast(PAYLOAD, { ttl: 60, urgency: 'high', topic: 't1', target: null });
      const b = await store.getBroadcast(all);
      expect(b).toMatchObject({ id: all, target: null, ttl: 60, urgency: 'high', topic: 't1', status: 'queued', total: n, sent: 0, failed: 0, gone: 0, pending: n, problems: [], error: null });
      expect(Buffer.from(b!.payload)).toEqual(Buffer.from(PAYLOAD));
      expect((await store.openBatches(all)).map((x) => [x.batch, x.dueInMs])).toEqual([[0, 0], [1, 0], [2, 0]]);
      const odd = await store.createBroadcast(PAYLOAD, { ttl: 60, target: { users: [], channels: ['odd'] } });
      expect(await store.getBroadcast(odd)).toMatchObject({ target: { users: [], channels: ['odd'] }, total: (n - 1) / 2 });
      expect(await store.openBatches(odd)).toHaveLength(2);
      expect((await store.openBatches()).map((x) => x.broadcastId)).toEqual([all, all, all, odd, odd]);
      expect(await store.getBroadcast('no-such-broadcast')).toBeUndefined();
    });

    it('gives a batch to one owner at a time; a lease that ran out can be taken; the owner renews', async () => {
      const { id } = await broadcastTo(2);
      const ref = { broadcastId: id, batch: 0 };
      const claims = await Promise.all([store.claimBatch(ref, 'a', 60_000), store.claimBatch(ref, 'b', 60_000)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims[0] ? 'a' : 'b';
      const loser = claims[0] ? 'b' : 'a';
      expect(await store.claimBatch(ref, loser, 60_000)).toBe(false);
      expect(await store.claimBatch(ref, winner, 1)).toBe(true);
      expect(await store.getBroadcast(id)).toMatchObject({ status: 'running' });
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.claimBatch(ref, loser, 60_000)).toBe(true);
      expect(await store.claimBatch({ broadcastId: id, batch: 7 }, 'a', 60_000)).toBe(false);
    });

    it('pages due deliveries in id order and records outcomes once each, counting per state', async () => {
      const { id, ids } = await broadcastTo(4);
      const ref = { broadcastId: id, batch: 0 };
      await store.claimBatch(ref, 'a', 60_000);
      const page = await store.dueDeliveries(ref, 0, 3);
      expect(page.map((d) => d.id)).toEqual(ids.slice(0, 3));
      expect(page[0]).toEqual({ id: ids[0], attempts: 0, endpoint: subscription(0).endpoint, keys, origin: ORIGIN });
      expect((await store.dueDeliveries(ref, ids[2]!, 3)).map((d) => d.id)).toEqual([ids[3]]);

      await store.recordOutcomes(ref, [sent(ids[0]!), { subscriptionId: ids[1]!, state: 'failed', attempts: 1, retryInMs: 0, lastStatus: null, lastError: 'timeout' },
        { subscriptionId: ids[2]!, state: 'gone', attempts: 1, retryInMs: 0, lastStatus: 410, lastError: null },
        { subscriptionId: ids[3]!, state: 'pending', attempts: 1, retryInMs: 60_000, lastStatus: 503, lastError: null }]);
      // Recording a final outcome again changes nothing.
      await store.recordOutcomes(ref, [sent(ids[0]!), sent(ids[1]!)]);
      expect(await store.getBroadcast(id)).toMatchObject({ total: 4, sent: 1, failed: 1, gone: 1, pending: 1, failures: [{ status: null, code: 'timeout', count: 1 }] });
      expect(await store.getSubscription(subscription(2).endpoint)).toBeUndefined();
      expect(await store.getSubscription(subscription(1).endpoint)).toBeDefined();
      // The retry is not due for a minute (database time).
      expect(await store.dueDeliveries(ref, 0, 10)).toEqual([]);
      const dueIn = await store.releaseBatch(ref, 'a');
      expect(dueIn).toBeGreaterThan(55_000);
      expect(dueIn).toBeLessThanOrEqual(60_000);
      expect((await store.openBatches(id))[0]!.dueInMs).toBeGreaterThan(55_000);
    });

    it('reports a recipient who unsubscribed after the broadcast as a delivery without endpoint', async () => {
      const { id, ids } = await broadcastTo(2);
      await store.deleteSubscription(subscription(0).endpoint);
      const due = await store.dueDeliveries({ broadcastId: id, batch: 0 }, 0, 10);
      expect(due[0]).toEqual({ id: ids[0], attempts: 0, endpoint: null });
      expect(due[1]).toMatchObject({ id: ids[1], endpoint: subscription(1).endpoint });
    });

    it('closes a batch with nothing pending, and finishes the broadcast once, when its last batch closes', async () => {
      const { id, ids } = await broadcastTo(2);
      const ref = { broadcastId: id, batch: 0 };
      expect(await store.claimBatch(ref, 'a', 60_000)).toBe(true);
      await store.recordOutcomes(ref, [sent(ids[0]!)]);
      expect(await store.releaseBatch(ref, 'b')).toBeNull(); // not b's to release
      expect(await store.releaseBatch(ref, 'a')).toBe(0); // one still pending, due now
      expect(await store.finishBroadcastIfDone(id)).toBe(false);
      await store.claimBatch(ref, 'b', 60_000);
      await store.recordOutcomes(ref, [sent(ids[1]!)]);
      expect(await store.releaseBatch(ref, 'b')).toBeNull();
      expect(await store.openBatches(id)).toEqual([]);
      expect(await Promise.all([store.finishBroadcastIfDone(id), store.finishBroadcastIfDone(id)])).toEqual(expect.arrayContaining([true, false]));
      expect(await store.getBroadcast(id)).toMatchObject({ status: 'done', sent: 2, pending: 0 });
      expect(await store.claimBatch(ref, 'a', 60_000)).toBe(false);
    });

    it('fails a broadcast with its reason: its batches close and cannot be claimed; a done one stays done', async () => {
      const { id } = await broadcastTo(2);
      await store.failBroadcast(id, 'the store failed: disk full');
      expect(await store.getBroadcast(id)).toMatchObject({ status: 'failed', error: 'the store failed: disk full' });
      expect(await store.claimBatch({ broadcastId: id, batch: 0 }, 'a', 60_000)).toBe(false);
      expect(await store.openBatches()).toEqual([]);
      const empty = await store.createBroadcast(PAYLOAD, { ttl: 60, target: { users: [], channels: ['nobody'] } });
      expect(await store.finishBroadcastIfDone(empty)).toBe(true);
      await store.failBroadcast(empty, 'too late');
      expect(await store.getBroadcast(empty)).toMatchObject({ status: 'done', error: null });
    });

    it('merges problems per origin, the larger count winning', async () => {
      const { id } = await broadcastTo(1);
      await store.addBroadcastProblems(id, [{ code: 'vapid-rejected', origin: ORIGIN, count: 6 }]);
      await store.addBroadcastProblems(id, [{ code: 'vapid-rejected', origin: ORIGIN, count: 4 }, { code: 'vapid-rejected', origin: 'https://other.example', count: 5 }]);
      expect((await store.getBroadcast(id))!.problems).toEqual(expect.arrayContaining([
        { code: 'vapid-rejected', origin: ORIGIN, count: 6 }, { code: 'vapid-rejected', origin: 'https://other.example', count: 5 }]));
      expect((await store.getBroadcast(id))!.problems).toHaveLength(2);
    });

    it('finds stranded batches: due past the grace time with no live lease', async () => {
      const { id } = await broadcastTo(1);
      const ref: BatchRef = { broadcastId: id, batch: 0 };
      expect(await store.strandedBatches(60_000)).toEqual([]);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.strandedBatches(0)).toEqual([ref]);
      await store.claimBatch(ref, 'a', 60_000);
      expect(await store.strandedBatches(0)).toEqual([]);
      await store.claimBatch(ref, 'a', 1);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.strandedBatches(0)).toEqual([ref]);
    });

    it('targets users and channels as a union, each subscription once; lists, counts and deletes a user', async () => {
      const a1 = await store.saveSubscription(subscription(1), ORIGIN, ['news'], 'alice');
      const a2 = await store.saveSubscription(subscription(2), ORIGIN, [], 'alice');
      const b = await store.saveSubscription(subscription(3), ORIGIN, ['orders'], 'bob');
      await store.saveSubscription(subscription(4), ORIGIN, ['news']);
      await store.saveSubscription(subscription(5), ORIGIN, []);
      const id = await store.createBroadcast(PAYLOAD, { ttl: 60, target: { users: ['alice'], channels: ['news', 'orders'] } });
      expect(await store.getBroadcast(id)).toMatchObject({ total: 4, target: { users: ['alice'], channels: ['news', 'orders'] } });
      expect((await store.dueDeliveries({ broadcastId: id, batch: 0 }, 0, 10)).map((d) => d.id)).toEqual(expect.arrayContaining([a1, a2, b]));
      expect(await store.channelCounts()).toEqual({ total: 5, users: 2, channels: [{ channel: 'news', subscribers: 2 }, { channel: 'orders', subscribers: 1 }] });
      await store.recordOutcomes({ broadcastId: id, batch: 0 }, [sent(a1)]);
      const devices = await store.userSubscriptions('alice');
      expect(devices.map((d) => [d.id, d.pushService, d.channels, d.lastOutcome?.state ?? null])).toEqual([[a1, ORIGIN, ['news'], 'sent'], [a2, ORIGIN, [], null]]);
      expect(await store.pushServiceCounts(id)).toEqual({ [ORIGIN]: { pending: 3, sent: 1, failed: 0, gone: 0, unsent: 0 } });
      expect(await store.deleteUser('alice')).toBe(2);
      expect(await store.userSubscriptions('alice')).toEqual([]);
      expect(await store.countSubscriptions()).toBe(3);
    });

    it('stops a broadcast: pending deliveries unsent, batches closed; an answer in flight still counts; lists newest first', async () => {
      const { id, ids } = await broadcastTo(3);
      const ref: BatchRef = { broadcastId: id, batch: 0 };
      expect(await store.queueDepth()).toBe(3);
      expect(await store.stopBroadcast(id, 'cancelled')).toBe(true);
      expect(await store.stopBroadcast(id, 'expired')).toBe(false);
      expect(await store.queueDepth()).toBe(0);
      expect(await store.openBatches()).toEqual([]);
      expect(await store.claimBatch(ref, 'a', 60_000)).toBe(false);
      await store.recordOutcomes(ref, [sent(ids[0]!)]);
      expect(await store.getBroadcast(id)).toMatchObject({ status: 'cancelled', total: 3, sent: 1, unsent: 2, pending: 0 });
      const titled = new TextEncoder().encode('{"web_push":8030,"notification":{"title":"Shipped “today”","navigate":"https://a.example/"}}');
      const later = await store.createBroadcast(titled, { ttl: 60, target: null });
      expect((await store.listBroadcasts(1)).map((x) => x.id)).toEqual([later]);
      // What a console lists: the message's title, and when a final broadcast finished.
      expect((await store.listBroadcasts(1))[0]).toMatchObject({ title: 'Shipped “today”', finishedAt: null });
      const [stopped] = await store.listBroadcasts(5, later);
      expect(stopped).toMatchObject({ id, title: null });
      expect(stopped!.finishedAt).toBeGreaterThan(Date.now() - 60_000);
      expect(await store.getBroadcast(later)).toMatchObject({ title: 'Shipped “today”', finishedAt: null });
    });

    it('keeps a scheduled broadcast without recipients until it starts, then snapshots who is there', async () => {
      await store.saveSubscription(subscription(1), ORIGIN, []);
      const sendAt = Date.now() + 60_000;
      const id = await store.createBroadcast(PAYLOAD, { ttl: 60, target: null, sendAt });
      expect(await store.getBroadcast(id)).toMatchObject({ status: 'scheduled', total: 0, sendAt });
      expect(await store.openBatches()).toEqual([]);
      const [due] = await store.scheduledBroadcasts();
      expect(due!.id).toBe(id);
      expect(due!.dueInMs).toBeGreaterThan(50_000);
      await store.saveSubscription(subscription(2), ORIGIN, []);
      expect(await store.startScheduled(id)).toBe(true);
      expect(await store.startScheduled(id)).toBe(false);
      expect(await store.getBroadcast(id)).toMatchObject({ status: 'queued', total: 2 });
      expect(await store.openBatches(id)).toHaveLength(1);
      expect(await store.scheduledBroadcasts()).toEqual([]);
    });

    it('keeps the first value of a shared setting', async () => {
      const [first, second] = await Promise.all([store.settingOrInsert('k', 'one'), store.settingOrInsert('k', 'two')]);
      expect(first.value).toBe(second.value);
      expect([first.inserted, second.inserted].filter(Boolean)).toHaveLength(1);
      expect(await store.settingOrInsert('k', 'three')).toEqual({ value: first.value, inserted: false });
    });
  });
}
