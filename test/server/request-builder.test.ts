import { createECDH, randomBytes } from 'node:crypto';
import ece from 'http_ece';
import { afterAll, describe, expect, it } from 'vitest';
import { createRequestBuilder } from '../../server/request-builder.js';

const builder = createRequestBuilder(1);
afterAll(() => builder.close());

function subscriber() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16).toString('base64url');
  return { ecdh, auth, subscription: { endpoint: 'https://fcm.googleapis.com/fcm/send/x', keys: { p256dh: ecdh.getPublicKey('base64url'), auth } } };
}

describe('the request builder in a worker thread', () => {
  it('encrypts a batch for each subscriber, and fails only the request whose keys are bad', async () => {
    const context = { payload: new TextEncoder().encode('{"web_push":8030}'), options: { ttl: 30, urgency: 'low' as const } };
    const good = [subscriber(), subscriber(), subscriber()];
    const bad = { endpoint: 'https://fcm.googleapis.com/fcm/send/y', keys: { p256dh: 'AAAA', auth: good[0]!.auth } };
    const results = await Promise.allSettled([
      ...good.map((g) => builder.build(context, g.subscription, 'vapid t=a, k=b')),
      builder.build(context, bad, 'vapid t=a, k=b'),
    ]);
    results.slice(0, 3).forEach((result, i) => {
      expect(result.status).toBe('fulfilled');
      const request = (result as PromiseFulfilledResult<{ body: Uint8Array; headers: Record<string, string> }>).value;
      expect(request.headers).toMatchObject({ TTL: '30', Urgency: 'low', Authorization: 'vapid t=a, k=b', 'Content-Type': 'application/notification+json' });
      const plain = ece.decrypt(Buffer.from(request.body), { version: 'aes128gcm', privateKey: good[i]!.ecdh, authSecret: good[i]!.auth });
      expect(plain.toString()).toBe('{"web_push":8030}');
    });
    expect(results[3]).toMatchObject({ status: 'rejected', reason: { code: 'invalid-subscription' } });
    expect(builder.workers()).toBe(1); // built in the worker, not by the fallback on this thread
  });
});
