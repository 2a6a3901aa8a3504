import { AdaptiveConcurrency } from './adaptive-concurrency.js';
import { RingQueue } from './ring-queue.js';

/** What one send told about its push service. */
export interface SendFeedback {
  /** Milliseconds to the answer; null when none came (timeout, broken connection). */
  latencyMs: number | null;
  /** 429, 503 or no answer: this push service wants less. */
  congested: boolean;
}

export interface LaneWork<T, R> {
  /** Encrypts ahead of the network; null when the item is finished already (it reported its own outcome). */
  prepare(item: T): Promise<R | null>;
  /** Sends a prepared item and reports its outcome itself; never throws. */
  send(item: T, prepared: R): Promise<SendFeedback>;
  /** Takes back an item not sent because its push service stopped answering (it reports its own outcome). */
  defer(item: T): void;
}

export interface LaneOptions {
  /** Requests in flight per origin, at most (the adaptive limit stays under it). */
  ceiling: number;
  /** Items queued per origin, at most: the memory bound however many subscriptions it holds. */
  capacity: number;
}

interface Lane<T, R> {
  queue: RingQueue<T>;
  ready: RingQueue<{ item: T; prepared: R }>;
  preparing: number;
  active: number;
  learnt: Learnt;
  roomWaiters: (() => void)[];
}

/** What a lane learnt of its push service, kept when the lane empties. */
interface Learnt {
  concurrency: AdaptiveConcurrency;
  /** performance.now() of the last HTTP answer; 0 before the first. */
  lastAnswerAt: number;
  /** performance.now() of the first request sent; 0 before it. */
  firstSentAt: number;
  /** Date.now() until which nothing is sent: the push service stopped answering (a timeout, a broken connection). */
  pausedUntil: number;
  /** The next pause: doubles while the service stays silent, back to the first at its next answer. */
  backoffMs: number;
}

/**
 * Per push-service origin: a bounded queue, encryption a window ahead of the network, an adaptive
 * number of requests in flight, and a pause when the service falls silent (what waits is handed
 * back, not held), so a slow, hanging or throttling service slows only its own deliveries
 * (spec-notes.md#push-server, concurrency). A lane is dropped when it empties; what it learnt is kept.
 */
export class OriginLanes<T, R> {
  private readonly lanes = new Map<string, Lane<T, R>>();
  private readonly learnt = new Map<string, Learnt>();
  private drainWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly work: LaneWork<T, R>, private readonly options: LaneOptions) {}

  /** Queues an item unless its origin's queue is full (then false: offer it again later). */
  offer(origin: string, item: T): boolean {
    if (this.stopped) return false;
    const learnt = this.learnt.get(origin);
    if (learnt && learnt.pausedUntil > Date.now()) {
      this.work.defer(item);
      return true;
    }
    const lane = this.lane(origin);
    if (!lane.queue.push(item)) return false;
    this.pump(origin, lane);
    return true;
  }

  /** Queues an item, waiting while its origin's queue is full. */
  async push(origin: string, item: T): Promise<void> {
    while (!this.offer(origin, item) && !this.stopped) await this.room(origin);
  }

  /** Resolves when the origin's queue has room. */
  room(origin: string): Promise<void> {
    const lane = this.lanes.get(origin);
    if (!lane || !lane.queue.full) return Promise.resolve();
    return new Promise((resolve) => lane.roomWaiters.push(resolve));
  }

  /**
   * The origin answers, or has not had time to (a second since its first request: a new connection
   * to a far push service takes a few round trips): worth waiting for when its queue is full. One
   * that stopped answering, or never did, is not.
   */
  flowing(origin: string): boolean {
    const learnt = this.learnt.get(origin);
    if (!learnt) return false;
    return answering(learnt) || (learnt.lastAnswerAt === 0 && learnt.firstSentAt > 0 && performance.now() - learnt.firstSentAt < FLOWING_MS);
  }

  /** Items the origin's lane holds now: queued, being encrypted, ready and in flight. */
  held(origin: string): number {
    const lane = this.lanes.get(origin);
    return lane ? lane.queue.length + lane.preparing + lane.ready.length + lane.active : 0;
  }

  /** Requests allowed in flight to the origin now. */
  limit(origin: string): number {
    return this.learnt.get(origin)?.concurrency.limit ?? 0;
  }

  /**
   * Starts nothing more: queued and encrypted items are dropped (the caller still holds them as
   * due) and `drain` resolves once the requests in flight are answered.
   */
  stop(): void {
    this.stopped = true;
    for (const [origin, lane] of this.lanes) this.pump(origin, lane);
  }

  /** Resolves once nothing is queued, being encrypted or in flight. */
  drain(): Promise<void> {
    if (this.lanes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private lane(origin: string): Lane<T, R> {
    let lane = this.lanes.get(origin);
    if (!lane) {
      let learnt = this.learnt.get(origin);
      if (!learnt) {
        learnt = { concurrency: new AdaptiveConcurrency(this.options.ceiling), lastAnswerAt: 0, firstSentAt: 0, pausedUntil: 0, backoffMs: FIRST_PAUSE_MS };
        this.learnt.set(origin, learnt);
      }
      lane = {
        queue: new RingQueue(this.options.capacity), ready: new RingQueue(this.options.ceiling + READY_MIN),
        preparing: 0, active: 0, learnt, roomWaiters: [],
      };
      this.lanes.set(origin, lane);
    }
    return lane;
  }

  private pump(origin: string, lane: Lane<T, R>): void {
    if (this.stopped) {
      while (lane.queue.shift() !== undefined);
      while (lane.ready.shift() !== undefined);
    }
    if (this.paused(lane)) {
      for (let next = lane.ready.shift(); next; next = lane.ready.shift()) this.work.defer(next.item);
      for (let item = lane.queue.shift(); item !== undefined; item = lane.queue.shift()) this.work.defer(item);
    }
    const limit = lane.learnt.concurrency.limit;
    // Encryption keeps one window of requests ready: the network never waits for it, nor does it run
    // far ahead. It refills once half the window is gone, so the workers get batches, not single requests.
    const window = limit + READY_MIN;
    const refill = lane.preparing + lane.ready.length <= window / 2;
    while (refill && lane.queue.length > 0 && lane.preparing + lane.ready.length < window) {
      const item = lane.queue.shift()!;
      lane.preparing++;
      void this.work.prepare(item).then((prepared) => {
        if (prepared !== null && !this.stopped) lane.ready.push({ item, prepared });
      }).finally(() => {
        lane.preparing--;
        this.pump(origin, lane);
      });
    }
    this.wakeRoom(lane);
    while (!this.paused(lane) && lane.active < limit && lane.ready.length > 0) {
      const { item, prepared } = lane.ready.shift()!;
      lane.active++;
      lane.learnt.firstSentAt ||= performance.now();
      void this.work.send(item, prepared).then((feedback) => this.learn(lane, feedback)).finally(() => {
        lane.active--;
        this.pump(origin, lane);
      });
    }
    if (lane.queue.length + lane.ready.length + lane.preparing + lane.active === 0) {
      this.lanes.delete(origin);
      if (this.lanes.size === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    }
  }

  private learn(lane: Lane<T, R>, feedback: SendFeedback): void {
    const { learnt } = lane;
    if (feedback.latencyMs !== null) {
      learnt.lastAnswerAt = performance.now();
      learnt.pausedUntil = 0;
      learnt.backoffMs = FIRST_PAUSE_MS;
    } else if (feedback.congested && !answering(learnt) && !this.paused(lane)) {
      // Silence, not one broken request: what waits would only wait behind requests that time out, holding the broadcast.
      learnt.pausedUntil = Date.now() + learnt.backoffMs;
      learnt.backoffMs = Math.min(MAX_PAUSE_MS, learnt.backoffMs * 2);
    }
    if (feedback.congested) learnt.concurrency.congested();
    else if (feedback.latencyMs !== null) learnt.concurrency.answered(feedback.latencyMs);
  }

  private paused(lane: Lane<T, R>): boolean {
    return lane.learnt.pausedUntil > Date.now();
  }

  private wakeRoom(lane: Lane<T, R>): void {
    if (lane.queue.full || lane.roomWaiters.length === 0) return;
    for (const wake of lane.roomWaiters.splice(0)) wake();
  }
}

function answering(learnt: Learnt): boolean {
  return learnt.lastAnswerAt > 0 && performance.now() - learnt.lastAnswerAt < Math.max(FLOWING_MS, 4 * learnt.concurrency.latencyMs);
}

/** A lane whose last answer is more recent than this (or four round trips) is flowing. */
const FLOWING_MS = 1000;
/** Requests kept encrypted beyond the concurrency limit, so a small limit still has one ready. */
const READY_MIN = 16;
/** A push service that stopped answering gets nothing new for this long, doubling up to MAX_PAUSE_MS. */
const FIRST_PAUSE_MS = 1000;
const MAX_PAUSE_MS = 60_000;

/** Requests in flight per push service, at most: enough to hide a push service 200 ms away. */
export const DEFAULT_CONCURRENCY = 256;

/** Deliveries queued per push service: at least two windows, so a lane never starves between pages. */
export function laneCapacity(concurrency: number): number {
  return Math.max(1024, concurrency * 2);
}
