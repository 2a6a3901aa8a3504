/**
 * `npm run bench:parse`: messages per second for the parser and for `dwpush lint`'s core
 * (`lintPayload`), beside plain UTF-8 decoding + `JSON.parse` of the same bytes in the same run:
 * the floor no JSON-based parser can beat. A benchmark, not a test: it prints figures and ratios.
 */
import { lintPayload } from '../../src/lint-message.js';
import { parseDeclarativePushMessage } from '../../src/parse-declarative-push-message.js';
import { parseExplainerMessage } from '../../src/parse-explainer-message.js';
import { DEFAULT_BASE_URL, loadVectors, payloadBytes } from '../vectors/load-vectors.js';

interface Input {
  bytes: Uint8Array;
  format: 'standard' | 'explainer';
  baseURL: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Typical standard messages of about 300 bytes, as a server sends them. */
function typicalMessages(): Input[] {
  return Array.from({ length: 16 }, (_, i) => {
    const message = {
      web_push: 8030,
      notification: {
        title: `Order #${4100 + i} has shipped`,
        body: `Your parcel with ${i + 1} items is on its way and should arrive on Thursday.`,
        navigate: `https://shop.example/orders/${4100 + i}`,
        tag: `order-${4100 + i}`,
        lang: 'en-GB',
        icon: 'https://shop.example/icons/192.png',
        ...(i % 2 === 0 ? { actions: [{ action: 'track', title: 'Track', navigate: `https://shop.example/track/${i}` }] } : {}),
      },
      ...(i % 4 === 0 ? { mutable: true } : {}),
    };
    return { bytes: encoder.encode(JSON.stringify(message)), format: 'standard' as const, baseURL: DEFAULT_BASE_URL };
  });
}

const corpus: Input[] = loadVectors().map((c) => ({ bytes: payloadBytes(c), format: c.format, baseURL: c.baseURL ?? DEFAULT_BASE_URL }));

const CANDIDATES: Record<string, (input: Input) => unknown> = {
  'JSON.parse (floor)': ({ bytes }) => {
    try {
      return JSON.parse(decoder.decode(bytes));
    } catch {
      return undefined;
    }
  },
  parser: ({ bytes, format, baseURL }) =>
    format === 'standard' ? parseDeclarativePushMessage(bytes, { baseURL }) : parseExplainerMessage(bytes),
  'lint (lintPayload)': ({ bytes, format, baseURL }) => lintPayload(bytes, { as: format, baseURL }),
};

/** Messages per second for `run` over `inputs`, timed over at least `ms` milliseconds. */
function measure(run: (input: Input) => unknown, inputs: Input[], ms: number): number {
  let count = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (const input of inputs) if (run(input) !== undefined) sink++;
    count += inputs.length;
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(sink); // keeps the results alive
  return (count / elapsed) * 1000;
}

function bench(label: string, inputs: Input[]): void {
  if (inputs.length === 0) {
    console.log(`\n${label}: no inputs`);
    return;
  }
  const bytes = inputs.reduce((n, i) => n + i.bytes.byteLength, 0);
  console.log(`\n${label}: ${inputs.length} messages, ${Math.round(bytes / inputs.length)} bytes on average`);
  for (const run of Object.values(CANDIDATES)) measure(run, inputs, 200); // warm up
  // Three interleaved rounds; the best of each is least disturbed by other work on the machine.
  const best: Record<string, number> = {};
  for (let round = 0; round < 3; round++) {
    for (const [name, run] of Object.entries(CANDIDATES)) best[name] = Math.max(best[name] ?? 0, measure(run, inputs, 700));
  }
  const floor = best['JSON.parse (floor)']!;
  for (const [name, rate] of Object.entries(best)) {
    const ratio = name.includes('floor') ? '' : `  ${(floor / rate).toFixed(2)}x the time of JSON.parse`;
    console.log(`  ${name.padEnd(20)} ${Math.round(rate).toLocaleString('en-US').padStart(11)} messages/s${ratio}`);
  }
}

console.log(`Node ${process.version}`);
bench('typical messages (~300 bytes)', typicalMessages());
bench('conformance corpus (test/vectors)', corpus);
