import type { Readable } from 'node:stream';
import { isMap } from '../src/json-value.js';
import { readJsonRecords } from './json-records.js';
import { isPushError } from './push-error.js';
import type { PushOriginGuard } from './push-origin-guard.js';
import type { Store } from './store/store.js';
import { acceptSubscription, type AcceptedSubscription } from './subscription-input.js';

export interface ImportRefusal {
  line: number;
  code: string;
  message: string;
}

export interface ImportCounts {
  imported: number;
  updated: number;
  refused: number;
  /** Refusals per error code. */
  refusedBy: Record<string, number>;
  /** The first refusals, with their line (at most `keepRefusals`). */
  firstRefusals: ImportRefusal[];
}

/** Rows written per transaction: large enough that commits do not dominate, small enough to stay flat in memory. */
const BATCH = 1000;

/**
 * Upserts the subscriptions of a JSON Lines file or JSON array (`PushSubscription.toJSON()`,
 * optionally with `channels`; the API's `{subscription, channels}` too) through the same checks as
 * `POST /api/subscriptions` (acceptSubscription: keys, channels, SSRF guard, canonical endpoint).
 * A record that fails is counted with its reason and the rest go on; nothing is written for it.
 * Streams: memory stays flat whatever the file's size.
 */
export async function importSubscriptions(stream: Readable, store: Store, guard: PushOriginGuard, keepRefusals = 5): Promise<ImportCounts> {
  const counts: ImportCounts = { imported: 0, updated: 0, refused: 0, refusedBy: {}, firstRefusals: [] };
  let batch: AcceptedSubscription[] = [];
  const seen = new Set<string>(); // endpoints already written by this batch
  const flush = async () => {
    for (const entry of batch) {
      const known = seen.has(entry.subscription.endpoint) || (await store.getSubscription(entry.subscription.endpoint)) !== undefined;
      if (known) counts.updated++;
      else counts.imported++;
      seen.add(entry.subscription.endpoint);
    }
    await store.saveSubscriptions(batch);
    batch = [];
    seen.clear();
  };
  const refuse = (line: number, code: string, message: string) => {
    counts.refused++;
    counts.refusedBy[code] = (counts.refusedBy[code] ?? 0) + 1;
    if (counts.firstRefusals.length < keepRefusals) counts.firstRefusals.push({ line, code, message });
  };
  for await (const { line, text } of readJsonRecords(stream)) {
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      // Not the parser's message: it would quote the record, keys and endpoint included.
      refuse(line, 'invalid-json', 'not a JSON value');
      continue;
    }
    try {
      const map = isMap(record) ? record : undefined;
      const subscription = map && isMap(map.subscription) ? map.subscription : record;
      batch.push(acceptSubscription(subscription, map?.channels, guard));
    } catch (error) {
      if (!isPushError(error)) throw error;
      refuse(line, error.code, error.message);
      continue;
    }
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return counts;
}
