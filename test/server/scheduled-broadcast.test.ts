import { afterAll, beforeAll, expect, it } from 'vitest';
import { mintGrant } from '../../server/grant.js';
import { readGrantSecret } from '../../server/grant-secret.js';
import { ADMIN_TOKEN, validMessage } from '../support/push-server-harness.js';
import { spawnServer, useServerFixtures, waitFor } from '../support/spawn-server.js';

const f = useServerFixtures('dwp-scheduled-', { beforeAll, afterAll });
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
const start = async () => {
  const server = await spawnServer(['--data-dir', f.dir, '--allow-push-origin', f.mock.origin, '--public-channel', 'news', '--log-format', 'json'], { DWP_ADMIN_TOKEN: ADMIN_TOKEN });
  f.servers.push(server);
  return server;
};

it('a scheduled broadcast survives a restart and leaves on time, to subscribers who joined meanwhile too', async () => {
  const first = await start();
  // A site's backend mints the grant offline, from the secret the server keeps in its data directory.
  const { grant } = mintGrant(readGrantSecret(f.dir), { user: 'alice' });
  const alice = f.mock.subscribe();
  const post = (url: string, path: string, body: unknown) => fetch(`${url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  expect((await post(first.url, '/api/subscriptions', { subscription: alice.subscription, grant })).status).toBe(201);
  const sendAt = Date.now() + 6000;
  const created = await post(first.url, '/api/notifications', { message: validMessage('Later'), user: 'alice', channel: 'news', send_at: new Date(sendAt).toISOString() });
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };
  const listed = (await (await fetch(`${first.url}/api/notifications/${id}`, { headers: auth })).json()) as Record<string, unknown>;
  expect(listed).toMatchObject({ status: 'scheduled', total: 0, sendAt: new Date(sendAt).toISOString(), target: { users: ['alice'], channels: ['news'] } });

  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  const second = await start();
  const late = f.mock.subscribe();
  expect((await post(second.url, '/api/subscriptions', { subscription: late.subscription, channels: ['news'] })).status).toBe(201);
  const bystander = f.mock.subscribe();
  expect((await post(second.url, '/api/subscriptions', { subscription: bystander.subscription })).status).toBe(201);

  const done = await waitFor(async () => {
    const s = (await (await fetch(`${second.url}/api/notifications/${id}`, { headers: auth })).json()) as { status: string };
    return s.status === 'done' ? s : undefined;
  });
  expect(done).toMatchObject({ total: 2, sent: 2 });
  for (const sub of [alice, late]) {
    const [received] = f.mock.received(sub.id);
    expect(JSON.parse(received!.payload!)).toMatchObject({ notification: { title: 'Later' } });
    // Not before its time; late by no more than a loaded machine's timer and one request.
    expect(received!.at).toBeGreaterThanOrEqual(sendAt);
    expect(received!.at - sendAt).toBeLessThan(3000);
  }
  expect(f.mock.received(bystander.id)).toHaveLength(0);

  // --log-format json: every line of the log is one JSON object.
  const lines = second.output().trim().split('\n');
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines) expect(JSON.parse(line)).toEqual({ time: expect.any(String), message: expect.any(String) });
  second.child.kill('SIGTERM');
  await second.exited;
});
