import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Store } from '../../server/store/store.js';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { startHarness, validMessage, type Harness } from '../support/push-server-harness.js';

let mock: MockPushService;
let h: Harness | undefined;

beforeAll(async () => { mock = await startMockPushService(); });
afterAll(() => mock.close());
afterEach(async () => { await h?.close(); h = undefined; });

/** The store, with `recordOutcomes` throwing `error` for its first `times` calls. */
function failingRecords(error: Error, times: number) {
  return (store: Store): Store => {
    let left = times;
    return new Proxy(store, {
      get(target, name, receiver) {
        if (name === 'recordOutcomes') {
          return (...args: Parameters<Store['recordOutcomes']>) => (left-- > 0 ? Promise.reject(error) : target.recordOutcomes(...args));
        }
        const value = Reflect.get(target, name, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
}

async function broadcastTo(harness: Harness, n: number): Promise<{ id: string; ids: string[] }> {
  const subs = Array.from({ length: n }, () => mock.subscribe());
  for (const { subscription } of subs) expect((await harness.call('POST', '/api/subscriptions', { subscription })).status).toBe(201);
  const res = await harness.call('POST', '/api/notifications', { message: validMessage() }, true);
  const { id } = (await res.json()) as { id: string };
  await harness.engine.idle();
  return { id, ids: subs.map((s) => s.id) };
}

it('a store that fails for a moment (a lost connection) is tried again: the broadcast ends done, each message sent once', async () => {
  const lost = new Error('Connection terminated unexpectedly');
  h = await startHarness({ allowPushOrigins: [mock.origin], wrapStore: failingRecords(lost, 2) });
  const { id, ids } = await broadcastTo(h, 3);
  expect(await h.store.getBroadcast(id)).toMatchObject({ status: 'done', sent: 3, pending: 0 });
  for (const sub of ids) expect(mock.received(sub)).toHaveLength(1);
});

it('a store that keeps failing with a non-transient error fails the broadcast with the reason, not the process', async () => {
  const bug = Object.assign(new Error('relation "deliveries" does not exist'), { code: '42P01' });
  h = await startHarness({ allowPushOrigins: [mock.origin], wrapStore: failingRecords(bug, 1000) });
  const { id, ids } = await broadcastTo(h, 2);
  const b = await h.store.getBroadcast(id);
  expect(b).toMatchObject({ status: 'failed', sent: 0 });
  expect(b!.error).toMatch(/relation "deliveries" does not exist/);
  // Each went out once; nothing is sent again for a failed broadcast.
  for (const sub of ids) expect(mock.received(sub)).toHaveLength(1);
  await h.engine.enqueue(id);
  await h.engine.idle();
  for (const sub of ids) expect(mock.received(sub)).toHaveLength(1);
});
