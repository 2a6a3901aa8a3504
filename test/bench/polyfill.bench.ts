/**
 * npm run bench:polyfill: time from a push event's dispatch to the showNotification call, over
 * 10,000 synthetic pushes in the fake service-worker scope, for the polyfill and for a plain
 * hand-written push handler (JSON.parse + showNotification: the floor), plus the built script's
 * gzip size beside its 4 KB budget.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { installDeclarativePush } from '../../polyfill/install-declarative-push.js';
import { useFakeScope, type FakeServiceWorkerScope } from '../support/fake-service-worker-scope.js';

const PUSHES = 10_000;
const WARM_UP = 1_000;
const GZIP_BUDGET = 4096;

const message = {
  web_push: 8030,
  notification: {
    title: 'Ada emailed "London"', body: 'Did you hear about the tube strikes?', lang: 'en-US', dir: 'ltr', tag: 'mail-12',
    navigate: 'https://email.example/message/12', icon: '/icons/mail.png', data: { id: 12, folder: 'inbox' },
    actions: [
      { action: 'reply', title: 'Reply', navigate: '/message/12/reply' },
      { action: 'archive', title: 'Archive', navigate: '/message/12/archive' },
    ],
  },
  app_badge: 3,
};

type Setup = (scope: FakeServiceWorkerScope) => void;

/** Runs `pushes` pushes in a fresh fake scope and returns each push's dispatch-to-showNotification time (ms). */
async function measure(setup: Setup, payload: object, pushes: number): Promise<number[]> {
  const { scope, restore } = useFakeScope();
  let calledAt = 0;
  // The browser's showNotification, replaced before anything wraps it: it stamps the call.
  scope.registration.showNotification = () => {
    calledAt = performance.now();
    return Promise.resolve();
  };
  scope.navigator.setAppBadge = () => Promise.resolve();
  setup(scope);
  const times: number[] = [];
  try {
    for (let i = 0; i < pushes; i++) {
      calledAt = 0;
      const started = performance.now();
      await scope.push(payload);
      if (calledAt === 0) throw new Error('showNotification was not called');
      times.push(calledAt - started);
    }
  } finally {
    restore();
  }
  return times;
}

const polyfill: Setup = () => installDeclarativePush();

/** A mutable message whose site handler shows a replacement at once. */
const polyfillMutable: Setup = (scope) => {
  installDeclarativePush();
  scope.addEventListener('push', (event) => {
    const hook = event as Event & { notification?: { title: string }; waitUntil(p: Promise<void>): void };
    if (hook.notification) hook.waitUntil(scope.registration.showNotification(`${hook.notification.title}!`, hook.notification));
  });
};

/** The floor: what a site writes by hand for its own payloads. */
const handWritten: Setup = (scope) => {
  scope.addEventListener('push', (event) => {
    const push = event as Event & { data: { json(): typeof message }; waitUntil(p: Promise<void>): void };
    const { notification } = push.data.json();
    push.waitUntil(scope.registration.showNotification(notification.title, notification));
  });
};

function stats(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99) };
}

const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

const runs: Array<[string, Setup, object]> = [
  ['hand-written JSON.parse + showNotification (floor)', handWritten, message],
  ['polyfill, declarative message', polyfill, message],
  ['polyfill, mutable message, site replaces', polyfillMutable, { ...message, mutable: true }],
];

const results: Array<[string, ReturnType<typeof stats>]> = [];
for (const [name, setup, payload] of runs) {
  await measure(setup, payload, WARM_UP);
  results.push([name, stats(await measure(setup, payload, PUSHES))]);
}
const floor = results[0]![1];
console.log(`push event -> showNotification call, ${PUSHES} pushes each (fake scope, Node ${process.versions.node})`);
for (const [name, { median, p99 }] of results) {
  console.log(`  ${name.padEnd(52)} median ${us(median).padStart(9)}  p99 ${us(p99).padStart(9)}  (${(median / floor.median).toFixed(1)}x floor median)`);
}
const built = readFileSync(new URL('../../dist/polyfill/declarative-push-sw.js', import.meta.url));
const gzip = gzipSync(built).length;
console.log(`built dist/polyfill/declarative-push-sw.js: ${built.length} bytes, ${gzip} bytes gzip of a ${GZIP_BUDGET}-byte budget (${((gzip / GZIP_BUDGET) * 100).toFixed(0)}%)`);
