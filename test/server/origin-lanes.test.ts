import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency } from '../../server/adaptive-concurrency.js';
import { OriginLanes, type SendFeedback } from '../../server/origin-lanes.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('origin lanes', () => {
  it('keep memory flat in the number of items one origin carries: 100,000 sent, none of them retained', async () => {
    const capacity = 256;
    const sent: WeakRef<object>[] = [];
    let gate: (() => void) | undefined;
    const lanes = new OriginLanes<{ n: number }, { n: number }>({
      prepare: async (item) => item,
      defer: () => { throw new Error('nothing is deferred here'); },
      async send(item) {
        if (item.n < 1000) sent.push(new WeakRef(item));
        if (item.n === 99_999) await new Promise<void>((resolve) => { gate = resolve; }); // keeps the lane busy
        return { latencyMs: 1, congested: false };
      },
    }, { ceiling: 64, capacity });
    let most = 0;
    for (let n = 0; n < 100_000; n++) {
      await lanes.push('https://fcm.googleapis.com', { n });
      most = Math.max(most, lanes.held('https://fcm.googleapis.com'));
    }
    while (!gate) await tick();
    // What the lane holds never exceeded its queue plus one window; the first 1,000 items are collectable.
    expect(most).toBeLessThanOrEqual(capacity + 64 + 16 + 64);
    gc();
    await tick();
    expect(sent).toHaveLength(1000);
    expect(sent.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    gate();
    await lanes.drain();
  });

  it('let one origin run while another hangs: the hanging one fills only its own queue', async () => {
    const done: string[] = [];
    const lanes = new OriginLanes<string, string>({
      prepare: async (item) => item,
      defer: () => { throw new Error('nothing is deferred here'); },
      send: (item) => item.startsWith('hang') ? new Promise<SendFeedback>(() => {}) : Promise.resolve().then(() => {
        done.push(item);
        return { latencyMs: 1, congested: false };
      }),
    }, { ceiling: 8, capacity: 16 });
    let refused = 0;
    for (let i = 0; i < 100; i++) if (!lanes.offer('https://hanging.example', `hang-${i}`)) refused++;
    expect(refused).toBeGreaterThan(0); // its queue is bounded
    expect(lanes.flowing('https://hanging.example')).toBe(false); // so a scan skips it rather than waits
    for (let i = 0; i < 50; i++) await lanes.push('https://healthy.example', `ok-${i}`);
    while (done.length < 50) await tick();
    expect(done).toEqual(Array.from({ length: 50 }, (_, i) => `ok-${i}`));
    expect(lanes.flowing('https://healthy.example')).toBe(true);
  });

  it('after stop, start nothing more and drain once the requests in flight are answered', async () => {
    const answers: (() => void)[] = [];
    let sends = 0;
    const lanes = new OriginLanes<number, number>({
      prepare: async (item) => item,
      defer: () => { throw new Error('nothing is deferred here'); },
      send: () => {
        sends++;
        return new Promise<SendFeedback>((resolve) => answers.push(() => resolve({ latencyMs: 1, congested: false })));
      },
    }, { ceiling: 4, capacity: 100 });
    for (let i = 0; i < 50; i++) lanes.offer('https://push.example', i);
    while (sends < 4) await tick();
    lanes.stop();
    expect(lanes.offer('https://push.example', 99)).toBe(false);
    let drained = false;
    void lanes.drain().then(() => { drained = true; });
    for (const answer of answers.splice(0)) answer();
    while (!drained) await tick();
    expect(sends).toBe(4);
  });
});

describe('adaptive concurrency', () => {
  it('doubles per round trip while latency is flat, up to its ceiling', () => {
    const c = new AdaptiveConcurrency(100, 4);
    let now = 0;
    for (let round = 0; round < 10; round++) {
      const limit = c.limit;
      for (let i = 0; i < limit; i++) c.answered(100, (now += 1));
      expect(c.limit).toBe(Math.min(100, limit * 2));
    }
    expect(c.limit).toBe(100);
  });

  it('halves on 429, 503 or silence, once per round trip, and never drops below 1', () => {
    const c = new AdaptiveConcurrency(256, 64);
    c.answered(100, 0);
    c.congested(1000);
    expect(c.limit).toBe(32);
    c.congested(1010); // same round trip: one cut
    expect(c.limit).toBe(32);
    for (let t = 2000; t < 20_000; t += 1000) c.congested(t);
    expect(c.limit).toBe(1);
  });

  it('then grows by about one per round trip, and shrinks when latency grows well past its floor', () => {
    const c = new AdaptiveConcurrency(256, 64);
    c.answered(100, 0);
    c.congested(1000);
    let now = 2000;
    for (let i = 0; i < 32; i++) c.answered(100, (now += 1));
    expect(c.limit).toBe(33);
    for (let i = 0; i < 200; i++) c.answered(1000, (now += 1));
    expect(c.limit).toBeLessThan(33);
  });
});
