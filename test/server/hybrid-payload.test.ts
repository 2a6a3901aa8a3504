import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PLAINTEXT_BYTES } from '../../src/constants.js';
import { lintPayload } from '../../src/lint-message.js';
import { parseDeclarativePushMessage } from '../../src/parse-declarative-push-message.js';
import { createPushOriginGuard } from '../../server/push-origin-guard.js';
import { sendNotification } from '../../server/send-notification.js';
import { generateVapidKeys } from '../../server/vapid-keys.js';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { SUBJECT, startHarness, validMessage, type Harness } from '../support/push-server-harness.js';
import { runDwpToEnd } from '../support/spawn-server.js';

/** What the site's old service worker read before it adopted the polyfill. */
const LEGACY = { title: 'Example Shop', body: 'Your order has shipped', url: 'https://shop.example/orders/4417' };

let mock: MockPushService;
let h: Harness | undefined;
let dir: string;
beforeAll(async () => {
  mock = await startMockPushService();
  dir = mkdtempSync(join(tmpdir(), 'dwp-hybrid-'));
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const errorOf = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;

describe('hybrid payloads: POST /api/notifications with legacy', () => {
  it('adds the legacy fields at the top level of what each subscriber gets; the declarative message is unchanged', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const { id, subscription } = mock.subscribe();
    expect((await h.call('POST', '/api/subscriptions', { subscription })).status).toBe(201);
    const res = await h.call('POST', '/api/notifications', { message: validMessage(), legacy: LEGACY }, true);
    expect(res.status).toBe(202);
    await h.engine.idle();

    const [received] = mock.received(id);
    const delivered = JSON.parse(received!.payload!);
    expect(delivered).toEqual({ ...validMessage(), ...LEGACY });
    // An updated worker (or a browser) reads the declarative message and ignores the rest.
    const parsed = parseDeclarativePushMessage(received!.payload!, { baseURL: 'https://shop.example/' });
    expect(parsed.declarative && parsed.message.notification).toEqual({ title: 'Ada emailed you', options: (({ title: _t, ...o }) => o)(validMessage().notification as Record<string, unknown>) });
    expect(lintPayload(received!.payload!).findings.map((f) => [f.code, f.params.members])).toEqual([['legacy-fields', ['title', 'body', 'url']]]);
  });

  it.each(['web_push', 'notification', 'mutable', 'app_badge'])('refuses legacy.%s with invalid-option naming the member', async (member) => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const res = await h.call('POST', '/api/notifications', { message: validMessage(), legacy: { ...LEGACY, [member]: 1 } }, true);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'invalid-option', option: 'legacy', member });
  });

  it('refuses a legacy value that is not an object', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const res = await h.call('POST', '/api/notifications', { message: validMessage(), legacy: ['title'] }, true);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'invalid-option', option: 'legacy' });
  });

  it('counts the whole payload against the 3993-byte limit: 413 with its size', async () => {
    h = await startHarness({ allowPushOrigins: [mock.origin] });
    const message = validMessage();
    const alone = JSON.stringify(message).length;
    const legacy = { body: 'x'.repeat(MAX_PLAINTEXT_BYTES - alone) }; // fits alone, not with the message
    const res = await h.call('POST', '/api/notifications', { message, legacy }, true);
    expect(res.status).toBe(413);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'payload-too-large', limit: MAX_PLAINTEXT_BYTES });
    expect(error.bytes).toBe(JSON.stringify({ ...message, ...legacy }).length);
    expect(h.store.db.prepare('SELECT count(*) AS n FROM broadcasts').get()).toEqual({ n: 0 });
  });
});

describe('hybrid payloads: sendNotification({legacy}) and dwpush send --legacy', () => {
  const keys = generateVapidKeys();

  it('sendNotification sends the hybrid payload, and refuses a reserved member before sending', async () => {
    const { id, subscription } = mock.subscribe();
    const options = { vapid: { subject: SUBJECT, ...keys }, guard: createPushOriginGuard([mock.origin]) };
    await sendNotification(subscription, validMessage(), { ...options, legacy: LEGACY });
    expect(JSON.parse(mock.received(id)[0]!.payload!)).toEqual({ ...validMessage(), ...LEGACY });
    await expect(sendNotification(subscription, validMessage(), { ...options, legacy: { web_push: 1 } })).rejects.toMatchObject({ code: 'invalid-option' });
    expect(mock.received(id)).toHaveLength(1);
  });

  it('dwpush send --legacy FILE delivers the hybrid payload; a reserved member is refused', async () => {
    const data = join(dir, 'data');
    const { id, subscription } = mock.subscribe();
    writeFileSync(join(dir, 'message.json'), JSON.stringify(validMessage()));
    writeFileSync(join(dir, 'legacy.json'), JSON.stringify(LEGACY));
    writeFileSync(join(dir, 'reserved.json'), JSON.stringify({ notification: {} }));
    writeFileSync(join(dir, 'sub.json'), JSON.stringify(subscription));
    const send = (legacy: string) => run(['send', '--message', join(dir, 'message.json'), '--legacy', join(dir, legacy),
      '--subscription', join(dir, 'sub.json'), '--data-dir', data, '--allow-push-origin', mock.origin]);
    await run(['keys', '--data-dir', data]);
    const ok = await send('legacy.json');
    expect(ok.stdout).toContain('answered 201');
    expect(JSON.parse(mock.received(id)[0]!.payload!)).toEqual({ ...validMessage(), ...LEGACY });
    const refused = await send('reserved.json');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('legacy must not set `notification`');
    expect(mock.received(id)).toHaveLength(1);
  });
});

const run = runDwpToEnd;
