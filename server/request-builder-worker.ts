/**
 * Worker thread of the request builder: encrypts batches of push requests off the main thread,
 * which keeps the connections and the database busy meanwhile (spec-notes.md#push-server).
 */
import { parentPort } from 'node:worker_threads';
import { buildPushRequest } from './push-request.js';
import type { BuildBatch, BuildReply } from './request-builder.js';

parentPort?.on('message', (batch: BuildBatch) => {
  const transfer: ArrayBuffer[] = [];
  const results = batch.items.map((item): BuildReply['results'][number] => {
    try {
      const request = buildPushRequest(item.subscription, batch.payload, item.authorization, batch.options);
      const body = new Uint8Array(request.body); // a copy we own, so it can be transferred
      transfer.push(body.buffer as ArrayBuffer);
      return { ok: true, request: { ...request, body } };
    } catch (error) {
      const e = error as { code?: string; message: string };
      // buildPushRequest codes what it expects (web-push's own errors included); anything else is a bug.
      return { ok: false, code: e.code ?? 'internal-error', message: e.message };
    }
  });
  parentPort!.postMessage({ id: batch.id, results } satisfies BuildReply, transfer);
});
