import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockPushService, type MockPushService } from '../support/mock-push-service.js';
import { LINT_BODY_LIMIT, LINT_MAX_FINDINGS } from '../../server/app.js';
import { startHarness, validMessage, type Harness } from '../support/push-server-harness.js';

let mock: MockPushService;
let h: Harness;
let files: string;

beforeAll(async () => {
  mock = await startMockPushService();
  files = mkdtempSync(join(tmpdir(), 'dwp-static-'));
  mkdirSync(join(files, 'public', 'css'), { recursive: true });
  mkdirSync(join(files, 'polyfill'));
  writeFileSync(join(files, 'public', 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(files, 'public', 'app.js'), 'console.log(1)');
  writeFileSync(join(files, 'public', 'css', 'site.css'), 'body{}');
  writeFileSync(join(files, 'secret.txt'), 'outside the public dir');
  for (const sw of ['declarative-push-sw.js', 'declarative-push-sw-explainer.js']) writeFileSync(join(files, 'polyfill', sw), 'self.addEventListener("push", () => {})');
});
afterAll(async () => {
  await mock.close();
  rmSync(files, { recursive: true, force: true });
});
beforeEach(async () => {
  await h?.close();
  h = await startHarness({ allowPushOrigins: [mock.origin], publicChannels: ['news'], publicDir: join(files, 'public'), polyfillDir: join(files, 'polyfill') });
});

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('subscriptions API', () => {
  it('hands out the VAPID public key', async () => {
    const res = await h.call('GET', '/api/vapid-public-key');
    expect(await res.json()).toEqual({ publicKey: h.keys.publicKey });
  });

  it('stores a subscription, upserting by endpoint, and deletes it', async () => {
    const { subscription } = mock.subscribe();
    expect((await h.call('POST', '/api/subscriptions', { subscription, channels: ['news'] })).status).toBe(201);
    const renewed = { ...subscription, keys: { ...subscription.keys, auth: mock.subscribe().subscription.keys.auth } };
    expect((await h.call('POST', '/api/subscriptions', { subscription: renewed })).status).toBe(201);
    expect(await h.store.countSubscriptions()).toBe(1);
    expect((await h.store.getSubscription(subscription.endpoint))?.keys.auth).toBe(renewed.keys.auth);

    expect((await h.call('DELETE', '/api/subscriptions', { endpoint: subscription.endpoint })).status).toBe(204);
    expect(await h.store.countSubscriptions()).toBe(0);
    // Deleting is idempotent: an endpoint the server does not know (any more) is already gone.
    expect((await h.call('DELETE', '/api/subscriptions', { endpoint: subscription.endpoint })).status).toBe(204);
  });

  it('keeps one row per push resource: five spellings of one endpoint are one subscription or refused', async () => {
    const { subscription } = mock.subscribe();
    const url = new URL(subscription.endpoint);
    const spellings = {
      tab: subscription.endpoint.replace('/push/', '/pu\tsh/'),
      crlf: `${subscription.endpoint}\r\n`,
      numericHost: subscription.endpoint.replace('127.0.0.1', '2130706433'),
      backslash: subscription.endpoint.replace(/\//g, '\\'),
      noSlashes: subscription.endpoint.replace('http://', 'http:'),
    };
    expect((await h.call('POST', '/api/subscriptions', { subscription })).status).toBe(201);
    const answers: Record<string, number> = {};
    for (const [name, endpoint] of Object.entries(spellings)) {
      const res = await h.call('POST', '/api/subscriptions', { subscription: { ...subscription, endpoint } });
      answers[name] = res.status;
      if (res.status === 201) expect(((await res.json()) as { endpoint: string }).endpoint).toBe(url.href);
      else expect(await errorCode(res)).toBe('push-origin-not-allowed');
    }
    expect(answers).toEqual({ tab: 400, crlf: 400, numericHost: 400, backslash: 201, noSlashes: 201 });
    expect(await h.store.countSubscriptions()).toBe(1);
    // Unsubscribing one spelling removes the resource: nothing is pushed to it again.
    expect((await h.call('DELETE', '/api/subscriptions', { endpoint: spellings.backslash })).status).toBe(204);
    expect(await h.store.countSubscriptions()).toBe(0);
  });

  it('refuses a blob: endpoint around an allowed origin (the protocol is checked before the origin)', async () => {
    const { subscription } = mock.subscribe();
    const res = await h.call('POST', '/api/subscriptions', { subscription: { ...subscription, endpoint: `blob:${subscription.endpoint}` } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('push-origin-not-allowed');
    expect(await h.store.countSubscriptions()).toBe(0);
  });

  const good = () => mock.subscribe().subscription;
  it.each([
    ['a body that is not JSON', () => '{"subscription":', 'invalid-json'],
    ['no subscription', () => ({ channels: [] }), 'invalid-subscription'],
    ['a p256dh of the wrong length', () => ({ subscription: { ...good(), keys: { ...good().keys, p256dh: Buffer.alloc(64, 4).toString('base64url') } } }), 'invalid-subscription'],
    ['a p256dh off the curve', () => ({ subscription: { ...good(), keys: { ...good().keys, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url') } } }), 'invalid-subscription'],
    ['an auth of 15 bytes', () => ({ subscription: { ...good(), keys: { ...good().keys, auth: Buffer.alloc(15).toString('base64url') } } }), 'invalid-subscription'],
    ['bad channels', () => ({ subscription: good(), channels: ['no spaces allowed'] }), 'invalid-subscription'],
    ['an http endpoint', () => ({ subscription: { ...good(), endpoint: 'http://fcm.googleapis.com/fcm/send/x' } }), 'push-origin-not-allowed'],
    ['a private address', () => ({ subscription: { ...good(), endpoint: 'https://192.168.1.1/push' } }), 'push-origin-not-allowed'],
    ['an unknown host', () => ({ subscription: { ...good(), endpoint: 'https://attacker.example/push' } }), 'push-origin-not-allowed'],
    ['an oversized body', () => ({ subscription: good(), padding: 'x'.repeat(9000) }), 'body-too-large'],
  ])('refuses %s with a 4xx and a clear code, storing nothing', async (_name, body, code) => {
    const res = await h.call('POST', '/api/subscriptions', body());
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await errorCode(res)).toBe(code);
    expect(await h.store.countSubscriptions()).toBe(0);
  });
});

describe('notifications API', () => {
  it('needs the admin token', async () => {
    const res = await h.call('POST', '/api/notifications', { message: validMessage() });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('unauthorized');
    const wrong = await h.app.request('/api/notifications', {
      method: 'POST', headers: { Authorization: 'Bearer not-the-token', 'Content-Type': 'application/json' }, body: JSON.stringify({ message: validMessage() }),
    });
    expect(wrong.status).toBe(401);
    expect((await h.call('GET', '/api/notifications/whatever')).status).toBe(401);
  });

  it('refuses an invalid message with its findings and creates no broadcast', async () => {
    await h.call('POST', '/api/subscriptions', { subscription: mock.subscribe().subscription });
    const res = await h.call('POST', '/api/notifications', { message: { web_push: 8030, notification: { title: 'x', navigate: '/relative' } } }, true);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; findings: { code: string; path: string }[] } };
    expect(body.error.code).toBe('invalid-message');
    expect(body.error.findings).toContainEqual(expect.objectContaining({ path: '/notification/navigate' }));
    expect(h.store.db.prepare('SELECT count(*) AS n FROM broadcasts').get()).toEqual({ n: 0 });
  });

  it.each([
    [{ ttl: -5 }, 'invalid-option'],
    [{ urgency: 'asap' }, 'invalid-option'],
    [{ topic: 'a/b' }, 'invalid-option'],
    [{ channel: '' }, 'invalid-option'],
  ])('refuses the option %j', async (extra, code) => {
    const res = await h.call('POST', '/api/notifications', { message: validMessage(), ...extra }, true);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe(code);
  });

  it('refuses a body over 32 KB with body-too-large', async () => {
    const res = await h.call('POST', '/api/notifications', { message: validMessage(), padding: 'x'.repeat(40_000) }, true);
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('body-too-large');
    expect(h.store.db.prepare('SELECT count(*) AS n FROM broadcasts').get()).toEqual({ n: 0 });
  });

  it('takes a message given as text the way lint reads it, a leading BOM included', async () => {
    const text = `\uFEFF${JSON.stringify(validMessage())}`;
    const lint = await h.call('POST', '/api/lint', { message: text });
    expect(((await lint.json()) as { valid: boolean }).valid).toBe(true);
    const res = await h.call('POST', '/api/notifications', { message: text }, true);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(JSON.parse(Buffer.from((await h.store.getBroadcast(id))!.payload).toString('utf8'))).toMatchObject({ web_push: 8030 });
  });

  it('answers 404 for an unknown broadcast', async () => {
    const res = await h.call('GET', '/api/notifications/nope', undefined, true);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('not-found');
  });

  it('lints a message for pages and tools', async () => {
    const res = await h.call('POST', '/api/lint', { message: { web_push: 8030, notification: { title: 'x' } } });
    const body = (await res.json()) as { valid: boolean; format: string; findings: { code: string; message: string }[] };
    expect(body).toMatchObject({ valid: false, format: 'standard' });
    const missing = body.findings.find((f) => f.code === 'navigate-missing');
    expect(missing).toBeDefined();
    expect(typeof missing!.message).toBe('string');
    expect((await (await h.call('POST', '/api/lint', { message: validMessage() })).json())).toMatchObject({ valid: true });
  });

  it('lints a message given as text or as a value alike, relative URLs against the baseURL given', async () => {
    const message = { web_push: 8030, notification: { title: 'x', navigate: '/inbox' } };
    const findings = async (body: Record<string, unknown>) =>
      ((await (await h.call('POST', '/api/lint', body)).json()) as { findings: { code: string; params: Record<string, unknown> }[] }).findings;
    const asText = await findings({ message: JSON.stringify(message, null, 2), baseURL: 'http://127.0.0.1:8080/' });
    expect(asText).toContainEqual(expect.objectContaining({ code: 'url-relative', params: { value: '/inbox', resolved: 'http://127.0.0.1:8080/inbox' } }));
    expect(await findings({ message, baseURL: 'http://127.0.0.1:8080/' })).toEqual(asText);
    expect(await findings({ message })).toContainEqual(expect.objectContaining({ params: { value: '/inbox', resolved: 'https://example.com/inbox' } }));
    const bad = await h.call('POST', '/api/lint', { message, baseURL: '/relative' });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('invalid-option');
  });
});

describe('bounded open routes', () => {
  it('answers the first 100 lint findings and counts the rest: the worst body gets an answer of bounded size', async () => {
    // The abuse as found: a body of `[1,1,...]` actions, one finding per two bytes.
    const head = '{"message":{"web_push":8030,"notification":{"title":"t","navigate":"https://example.com/","actions":[';
    const ones = Math.floor((LINT_BODY_LIMIT - head.length - 10) / 2);
    const body = `${head}${Array(ones).fill(1).join(',')}]}}}`;
    expect(body.length).toBeLessThanOrEqual(LINT_BODY_LIMIT);
    const res = await h.call('POST', '/api/lint', body);
    expect(res.status).toBe(200);
    const text = await res.text();
    const answer = JSON.parse(text) as { valid: boolean; findings: { code: string; message: string }[]; omitted: number };
    expect(answer.findings).toHaveLength(LINT_MAX_FINDINGS);
    expect(answer.findings.length + answer.omitted).toBeGreaterThanOrEqual(ones);
    expect(answer.findings.filter((f) => f.code === 'action-not-an-object' && f.message !== '').length).toBeGreaterThan(90);
    // Amplification: at most 5 answer bytes per request byte at the limit (it was 150: 4.9 MB for 32 KB).
    expect(text.length / body.length).toBeLessThan(5);
  });

  it('says nothing was left out when every finding fits', async () => {
    const answer = await (await h.call('POST', '/api/lint', { message: { web_push: 8030 } })).json() as Record<string, unknown>;
    expect(answer).not.toHaveProperty('omitted');
  });

  it('refuses a lint body over its limit (a message that large could never be sent)', async () => {
    const res = await h.call('POST', '/api/lint', { message: 'x'.repeat(LINT_BODY_LIMIT) });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('body-too-large');
  });
});

describe('client rate limits', () => {
  const from = (address: string, headers: Record<string, string> = {}) => (path: string, method: string, body: unknown) =>
    h.app.request(path, { method, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }, { incoming: { socket: { remoteAddress: address } } });

  it('answers a flood from one address 429 with Retry-After, counting subscribe, unsubscribe and lint together; others go on', async () => {
    await h.close();
    h = await startHarness({ allowPushOrigins: [mock.origin], clientRateLimit: { perMinute: 5 } });
    const flood = from('203.0.113.7');
    const statuses = [
      (await flood('/api/subscriptions', 'POST', { subscription: mock.subscribe().subscription })).status,
      (await flood('/api/subscriptions', 'DELETE', { endpoint: mock.subscribe().subscription.endpoint })).status,
      (await flood('/api/lint', 'POST', { message: validMessage() })).status,
      (await flood('/api/lint', 'POST', { message: validMessage() })).status,
      (await flood('/api/lint', 'POST', { message: validMessage() })).status,
    ];
    expect(statuses).toEqual([201, 204, 200, 200, 200]);
    const limited = await flood('/api/subscriptions', 'POST', { subscription: mock.subscribe().subscription });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('Retry-After'))).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate-limited', limit: 5 } });
    expect(await h.store.countSubscriptions()).toBe(1);
    // Another client is not held up, and the admin routes are not counted.
    expect((await from('203.0.113.8')('/api/lint', 'POST', { message: validMessage() })).status).toBe(200);
    expect((await h.call('POST', '/api/notifications', { message: validMessage() }, true)).status).toBe(202);
  });

  it('counts an IPv6 client by its /64, and takes X-Forwarded-For only when the proxy is trusted', async () => {
    await h.close();
    h = await startHarness({ clientRateLimit: { perMinute: 1 } });
    expect((await from('2001:db8:1:2::1')('/api/lint', 'POST', { message: validMessage() })).status).toBe(200);
    expect((await from('2001:db8:1:2:ffff::9')('/api/lint', 'POST', { message: validMessage() })).status).toBe(429);
    expect((await from('2001:db8:1:3::1')('/api/lint', 'POST', { message: validMessage() })).status).toBe(200);
    // Not trusted: a forged header does not buy a fresh budget.
    expect((await from('2001:db8:1:2::1', { 'X-Forwarded-For': '198.51.100.1' })('/api/lint', 'POST', { message: validMessage() })).status).toBe(429);

    await h.close();
    h = await startHarness({ clientRateLimit: { perMinute: 1, trustProxy: true } });
    const viaProxy = (client: string) => from('127.0.0.1', { 'X-Forwarded-For': `198.51.100.250, ${client}` })('/api/lint', 'POST', { message: validMessage() });
    expect((await viaProxy('192.0.2.1')).status).toBe(200);
    expect((await viaProxy('192.0.2.2')).status).toBe(200);
    expect((await viaProxy('192.0.2.1')).status).toBe(429);
  });

  it('is off at 0', async () => {
    await h.close();
    h = await startHarness({ clientRateLimit: { perMinute: 0 } });
    for (let i = 0; i < 30; i++) expect((await from('203.0.113.7')('/api/lint', 'POST', { message: validMessage() })).status).toBe(200);
  });
});

describe('static files', () => {
  it('serves the public directory at / with the right types', async () => {
    const index = await h.app.request('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<title>demo</title>');
    expect((await h.app.request('/app.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await h.app.request('/css/site.css')).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('serves the built service worker at the root with Service-Worker-Allowed, 404 while a build is absent', async () => {
    for (const path of ['/declarative-push-sw.js', '/declarative-push-sw-explainer.js']) {
      const sw = await h.app.request(path);
      expect(sw.status).toBe(200);
      expect(sw.headers.get('service-worker-allowed')).toBe('/');
      expect(sw.headers.get('content-type')).toMatch(/javascript/);
    }
    expect((await h.app.request('/dwp-page.js')).status).toBe(404);
  });

  it.each(['/missing.html', '/../secret.txt', '/%2e%2e/secret.txt', '/css/..%2f..%2fsecret.txt', '/..%5csecret.txt'])('answers 404 for %s', async (path) => {
    const res = await h.app.request(path);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('outside the public dir');
  });
});
