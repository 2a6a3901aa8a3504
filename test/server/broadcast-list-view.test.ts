import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { startHarness, type Harness } from '../support/push-server-harness.js';

// What an operator's console needs to show a broadcast in a list: its title, and when it finished.
let mock: MockPushService;
let h: Harness;
beforeAll(async () => {
  mock = await startMockPushService();
});
afterAll(() => mock.close());
afterEach(() => h?.close());

type View = { id: string; status: string; title?: string; createdAt: string; finishedAt?: string };
const json = async <T>(res: Promise<Response>) => (await (await res).json()) as T;

it('lists and shows each broadcast with its message’s title (an explainer message’s too) and, once final, when it finished', async () => {
  h = await startHarness({ allowPushOrigins: [mock.origin] });
  expect((await h.call('POST', '/api/subscriptions', { subscription: mock.subscribe().subscription })).status).toBe(201);
  const standard = { web_push: 8030, notification: { title: 'Ship “it”', navigate: 'https://example.com/' } };
  const explainer = { title: 'Old shape', default_action_url: 'https://example.com/' };
  const ids: string[] = [];
  for (const message of [standard, explainer]) {
    ids.push((await json<{ id: string }>(h.call('POST', '/api/notifications', { message }, true))).id);
  }
  await h.engine.idle();
  const later = new Date(Date.now() + 3_600_000).toISOString();
  const scheduled = (await json<{ id: string }>(h.call('POST', '/api/notifications', { message: standard, send_at: later }, true))).id;

  const { notifications } = await json<{ notifications: View[] }>(h.call('GET', '/api/notifications', undefined, true));
  expect(notifications.map((n) => [n.id, n.status, n.title])).toEqual([[scheduled, 'scheduled', 'Ship “it”'], [ids[1], 'done', 'Old shape'], [ids[0], 'done', 'Ship “it”']]);
  for (const n of notifications.slice(1)) {
    expect(Date.parse(n.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(n.createdAt));
  }
  expect(notifications[0]!.finishedAt).toBeUndefined();
  const one = await json<View>(h.call('GET', `/api/notifications/${ids[0]}`, undefined, true));
  expect(one).toMatchObject({ title: 'Ship “it”', finishedAt: notifications[2]!.finishedAt });
});
