import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeclarativePushMessage, type ParseResult } from '../../src/parse-declarative-push-message.js';
import { parseExplainerMessage } from '../../src/parse-explainer-message.js';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { startHarness, type Harness } from '../support/push-server-harness.js';

// What an admin's broadcast means must survive the server's rewriting (explainer conversion,
// portable form): the bytes the push service receives, read by the standard's parser, give the
// notification, mutability and app badge that the message as posted gives.

const NAV = 'https://app.example/inbox';
const BASE = { baseURL: 'https://app.example/' };

let mock: MockPushService;
let h: Harness;

beforeAll(async () => {
  mock = await startMockPushService();
  h = await startHarness({ allowPushOrigins: [mock.origin] });
});
afterAll(async () => {
  await h.close();
  await mock.close();
});

/** Broadcasts `message` through POST /api/notifications to one new subscriber; returns the decrypted body. */
async function sendThroughServer(message: unknown): Promise<string> {
  const { id, subscription } = mock.subscribe();
  expect((await h.call('POST', '/api/subscriptions', { subscription })).status).toBe(201);
  const accepted = await h.call('POST', '/api/notifications', { message }, true);
  expect(accepted.status).toBe(202);
  await h.engine.idle();
  const [received, ...more] = mock.received(id);
  expect(more).toHaveLength(0);
  expect(received!.headers['content-type']).toBe('application/notification+json');
  return received!.payload!;
}

/** A parse result without its format tag: the two formats mean the same when the rest is equal. */
function meaning(result: ParseResult): unknown {
  expect(result.declarative).toBe(true);
  const { format: _format, ...rest } = (result as Extract<ParseResult, { declarative: true }>).message;
  return rest;
}

describe('a broadcast keeps its meaning', () => {
  it.each([
    ['a plain explainer message', { title: 'Hi', options: { body: 'x', tag: 't', data: { n: 1 } }, default_action_url: NAV }],
    ['a mutable explainer message', { title: 'Hi', options: { body: 'x' }, default_action_url: NAV, mutable: true }],
    ['an explainer message with actions and a digit-string badge', {
      title: 'Hi', default_action_url: NAV, app_badge: '12',
      options: { actions: [{ action: 'open', title: 'Open', url: 'https://app.example/open', navigate: 'https://elsewhere.example/' }] },
    }],
    // The explainer reads these only at top level: inside `options` they are unknown members it
    // ignores, and must not become the title, a mutable message or a badge once flattened.
    ['an explainer message whose options carry a title', { title: 'Top', options: { title: 'Inner', body: 'x' }, default_action_url: NAV }],
    ['an explainer message whose options say mutable', { title: 'Hi', options: { mutable: true }, default_action_url: NAV }],
    ['an explainer message whose options carry an app badge', { title: 'Hi', options: { app_badge: 4 }, default_action_url: NAV, mutable: false }],
    ['an explainer message whose options carry navigate', { title: 'Hi', options: { navigate: 'https://elsewhere.example/' }, default_action_url: NAV }],
  ])('%s: the standard parser reads the sent bytes as the explainer parser reads the message', async (_name, message) => {
    const sent = await sendThroughServer(message);
    expect(meaning(parseDeclarativePushMessage(sent, BASE))).toEqual(meaning(parseExplainerMessage(JSON.stringify(message))));
  });

  it.each([
    ['mutable at the top level (the standard)', { web_push: 8030, mutable: true, notification: { title: 'Hi', navigate: NAV, data: { k: 'v' } } }],
    ['mutable inside notification (Safari 18.x)', { web_push: 8030, notification: { title: 'Hi', navigate: NAV, mutable: true } }],
  ])('a standard message %s is sent mutable, at both places', async (_name, message) => {
    const sent = await sendThroughServer(message);
    expect(parseDeclarativePushMessage(sent, BASE)).toMatchObject({ declarative: true, message: { mutable: true, notification: { title: 'Hi', options: { navigate: NAV } } } });
    expect(JSON.parse(sent)).toMatchObject({ mutable: true, notification: { mutable: true } });
  });
});
