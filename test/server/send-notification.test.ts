import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PLAINTEXT_BYTES } from '../../src/constants.js';
import { createPushOriginGuard } from '../../server/push-origin-guard.js';
import { sendNotification, type SendOptions } from '../../server/send-notification.js';
import { createVapidAuthorizer } from '../../server/vapid-authorization.js';
import { generateVapidKeys } from '../../server/vapid-keys.js';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { readVapidHeader, SUBJECT, validMessage } from '../support/push-server-harness.js';

let mock: MockPushService;
let options: SendOptions;
const keys = generateVapidKeys();

beforeAll(async () => {
  mock = await startMockPushService();
  options = { vapid: { subject: SUBJECT, ...keys }, guard: createPushOriginGuard([mock.origin]), timeoutMs: 500 };
});
afterAll(() => mock.close());

describe('sendNotification', () => {
  it('sends the portable form, encrypted, with the declarative Content-Type and the RFC 8030 headers', async () => {
    const { id, subscription } = mock.subscribe();
    const message = { ...validMessage(), mutable: true };
    const result = await sendNotification(subscription, message, { ...options, ttl: 3600, urgency: 'high', topic: 'inbox-12' });
    expect(result).toEqual({ status: 201, ok: true, gone: false, retryAfter: null });

    const [received] = mock.received(id);
    expect(JSON.parse(received!.payload!)).toEqual({
      web_push: 8030,
      mutable: true,
      notification: { ...(validMessage().notification as object), mutable: true },
    });
    expect(received!.headers).toMatchObject({
      'content-type': 'application/notification+json',
      'content-encoding': 'aes128gcm',
      ttl: '3600',
      urgency: 'high',
      topic: 'inbox-12',
    });
    const vapid = readVapidHeader(received!.headers.authorization);
    expect(vapid.key).toBe(keys.publicKey);
    expect(vapid.claims).toMatchObject({ aud: mock.origin, sub: SUBJECT });
  });

  it('converts an explainer message and puts app_badge at both places Safari and the draft read', async () => {
    const { id, subscription } = mock.subscribe();
    await sendNotification(subscription, {
      title: 'Hi', default_action_url: 'https://app.example/', app_badge: '4', options: { body: 'x' },
    }, options);
    expect(JSON.parse(mock.received(id)[0]!.payload!)).toEqual({
      web_push: 8030, app_badge: 4, notification: { title: 'Hi', body: 'x', navigate: 'https://app.example/', app_badge: 4 },
    });
  });

  it('reuses one VAPID JWT per push-service origin', async () => {
    const authorize = createVapidAuthorizer({ subject: SUBJECT, ...keys });
    const a = mock.subscribe();
    const b = mock.subscribe();
    await sendNotification(a.subscription, validMessage(), { ...options, vapid: authorize });
    await sendNotification(b.subscription, validMessage(), { ...options, vapid: authorize });
    expect(mock.received(a.id)[0]!.headers.authorization).toBe(mock.received(b.id)[0]!.headers.authorization);
  });

  it.each([
    ['no navigate', { web_push: 8030, notification: { title: 'x' } }, 'navigate-missing'],
    ['a relative navigate', { web_push: 8030, notification: { title: 'x', navigate: '/inbox' } }, 'url-relative'],
    ['an empty title', { web_push: 8030, notification: { title: '', navigate: 'https://a.example/' } }, 'title-empty'],
    ['not JSON', '{"web_push": 8030,', 'json-syntax'],
  ])('refuses a message with %s and sends nothing', async (_name, message, code) => {
    const { id, subscription } = mock.subscribe();
    const error = await sendNotification(subscription, message, options).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-message' });
    expect((error as { details: { findings: { code: string }[] } }).details.findings.map((f) => f.code)).toContain(code);
    expect(mock.received(id)).toHaveLength(0);
  });

  it('refuses a payload over 3993 bytes before encrypting, saying its size', async () => {
    const { id, subscription } = mock.subscribe();
    const message = validMessage('x'.repeat(MAX_PLAINTEXT_BYTES));
    const error = await sendNotification(subscription, message, options).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'payload-too-large', details: { limit: 3993 } });
    expect((error as { details: { bytes: number } }).details.bytes).toBeGreaterThan(3993);
    expect((error as Error).message).toMatch(/\d{4} bytes/);
    expect(mock.received(id)).toHaveLength(0);
  });

  it('reports 404 and 410 as gone, and the Retry-After of a 429', async () => {
    for (const status of [404, 410]) {
      const { subscription } = mock.subscribe([{ status }]);
      expect(await sendNotification(subscription, validMessage(), options)).toMatchObject({ status, ok: false, gone: true });
    }
    const { subscription } = mock.subscribe([{ status: 429, retryAfter: 7 }]);
    expect(await sendNotification(subscription, validMessage(), options)).toEqual({ status: 429, ok: false, gone: false, retryAfter: 7 });
  });

  it('throws a timeout with its code when the push service never answers', async () => {
    const { subscription } = mock.subscribe([{ hang: true }]);
    await expect(sendNotification(subscription, validMessage(), options)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('refuses a bad topic, urgency or ttl with invalid-option', async () => {
    const { id, subscription } = mock.subscribe();
    for (const bad of [{ topic: 'has spaces' }, { topic: 'x'.repeat(33) }, { urgency: 'urgent' }, { ttl: -1 }]) {
      await expect(sendNotification(subscription, validMessage(), { ...options, ...bad } as SendOptions)).rejects.toMatchObject({ code: 'invalid-option' });
    }
    expect(mock.received(id)).toHaveLength(0);
  });

  it("wraps web-push's own errors in coded ones: VAPID keys it cannot sign with, keys it cannot encrypt for", async () => {
    const { id, subscription } = mock.subscribe();
    const badKeys = { vapid: { subject: SUBJECT, publicKey: keys.publicKey, privateKey: 'short' } };
    const error = await sendNotification(subscription, validMessage(), { ...options, ...badKeys }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'PushError', code: 'invalid-vapid-keys' });
    expect((error as Error).message).not.toContain('short');
    const brokenKeys = { ...subscription, keys: { ...subscription.keys, p256dh: 'AAAA' } };
    await expect(sendNotification(brokenKeys, validMessage(), options)).rejects.toMatchObject({ code: 'invalid-subscription' });
    expect(mock.received(id)).toHaveLength(0);
  });

  it('refuses a loopback http endpoint unless its origin is allowed (SSRF guard by default)', async () => {
    const { id, subscription } = mock.subscribe();
    const { guard: _, ...unguarded } = options;
    await expect(sendNotification(subscription, validMessage(), unguarded)).rejects.toMatchObject({ code: 'push-origin-not-allowed' });
    expect(mock.received(id)).toHaveLength(0);
  });
});
