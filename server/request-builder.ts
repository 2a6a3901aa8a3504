import { Worker } from 'node:worker_threads';
import { PushError, type PushErrorCode } from './push-error.js';
import { buildPushRequest, type PushRequest, type PushRequestOptions, type PushSubscriptionJSON } from './push-request.js';

/** What every request of one broadcast shares. */
export interface BuildContext {
  payload: Uint8Array;
  options: PushRequestOptions;
}

export interface BuildBatch {
  id: number;
  payload: Uint8Array;
  options: PushRequestOptions;
  items: { subscription: PushSubscriptionJSON; authorization: string }[];
}

export interface BuildReply {
  id: number;
  results: ({ ok: true; request: PushRequest } | { ok: false; code: string; message: string })[];
}

export interface RequestBuilder {
  build(context: BuildContext, subscription: PushSubscriptionJSON, authorization: string): Promise<PushRequest>;
  /** Worker threads alive now (0 when building on the calling thread). */
  workers(): number;
  close(): Promise<void>;
}

interface Waiting {
  context: BuildContext;
  subscription: PushSubscriptionJSON;
  authorization: string;
  resolve: (request: PushRequest) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 64;

/**
 * Builds push requests (web-push's encryption) in `workers` worker threads, batching what the
 * engine asks for within one turn of the event loop; with 0 workers, on the calling thread. When a
 * worker dies, its batches in flight are built again on the calling thread (and everything else once
 * no worker is left), so no request is lost.
 */
export function createRequestBuilder(workers = 0): RequestBuilder {
  if (workers <= 0) {
    return {
      build: async (context, subscription, authorization) => buildPushRequest(subscription, context.payload, authorization, context.options),
      workers: () => 0,
      close: async () => {},
    };
  }
  const threads = Array.from({ length: workers }, () => startWorker());
  const inFlight = new Map<number, { worker: Worker; items: Waiting[] }>();
  let waiting: Waiting[] = [];
  let nextId = 1;
  let turn = 0;
  let scheduled = false;
  const alive = new Set(threads);

  for (const worker of threads) {
    worker.on('message', (reply: BuildReply) => {
      const batch = inFlight.get(reply.id);
      if (!batch) return;
      inFlight.delete(reply.id);
      reply.results.forEach((result, i) => {
        const item = batch.items[i]!;
        if (result.ok) item.resolve(result.request);
        else item.reject(new PushError(result.code as PushErrorCode, result.message));
      });
    });
    worker.on('error', () => retire(worker));
    worker.on('exit', () => retire(worker));
  }

  function retire(worker: Worker): void {
    alive.delete(worker);
    for (const [id, batch] of inFlight) {
      if (batch.worker !== worker) continue;
      inFlight.delete(id);
      for (const item of batch.items) buildHere(item);
    }
  }

  function buildHere(item: Waiting): void {
    try {
      item.resolve(buildPushRequest(item.subscription, item.context.payload, item.authorization, item.context.options));
    } catch (error) {
      item.reject(error);
    }
  }

  function flush(): void {
    scheduled = false;
    const all = waiting;
    waiting = [];
    const workersNow = [...alive];
    if (workersNow.length === 0) return all.forEach(buildHere);
    for (let start = 0; start < all.length; start += MAX_BATCH) {
      const slice = all.slice(start, start + MAX_BATCH);
      // One context per batch: split where the context changes.
      let from = 0;
      for (let i = 1; i <= slice.length; i++) {
        if (i === slice.length || slice[i]!.context !== slice[from]!.context) {
          send(workersNow[turn++ % workersNow.length]!, slice.slice(from, i));
          from = i;
        }
      }
    }
  }

  function send(worker: Worker, items: Waiting[]): void {
    const id = nextId++;
    const { payload, options } = items[0]!.context;
    inFlight.set(id, { worker, items });
    worker.postMessage({ id, payload, options, items: items.map((i) => ({ subscription: i.subscription, authorization: i.authorization })) } satisfies BuildBatch);
  }

  return {
    build(context, subscription, authorization) {
      return new Promise((resolve, reject) => {
        waiting.push({ context, subscription, authorization, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    workers: () => alive.size,
    async close() {
      await Promise.all(threads.map((t) => t.terminate()));
    },
  };
}

/**
 * Runs the compiled worker; or, when the server itself runs from TypeScript source (tests,
 * benchmarks, tsx), the source through tsx: Node 20 does not apply `--import` loaders given in a
 * worker's execArgv, so the worker registers tsx itself.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./request-builder-worker.js', import.meta.url));
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = new URL('./request-builder-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); });`, { eval: true });
}
