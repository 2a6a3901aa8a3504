/**
 * How many requests one push service gets at once, learnt from its answers (AIMD, as TCP does with
 * its window): the limit doubles every round trip while latency stays near the lowest seen (slow
 * start), then grows by one per round trip; it halves on 429, 503 or no answer (at most once per
 * round trip), and shrinks by a tenth when latency grows past twice its recent floor (at most once a
 * second); never above `ceiling`, never below 1.
 * spec-notes.md#push-server, concurrency.
 */
export class AdaptiveConcurrency {
  private value: number;
  private slowStart = true;
  /** The lowest latency in this window and the one before: the floor that "flat" is measured against. */
  private windowMin = Infinity;
  private previousMin = Infinity;
  private windowStart = 0;
  private smoothed = 0;
  private lastCut = 0;

  constructor(private readonly ceiling: number, initial = 8) {
    this.value = Math.max(1, Math.min(ceiling, initial));
  }

  /** Requests allowed in flight now. */
  get limit(): number {
    return Math.floor(this.value);
  }

  /** Smoothed time to an answer, milliseconds (0 before the first). */
  get latencyMs(): number {
    return this.smoothed;
  }

  /** An answer that does not ask to slow down, after `latencyMs`. */
  answered(latencyMs: number, now = performance.now()): void {
    this.smoothed = this.smoothed === 0 ? latencyMs : this.smoothed + (latencyMs - this.smoothed) * SMOOTHING;
    // A windowed floor: a push service that moved further away (or a slower run of the same) is not
    // read as congested for longer than two windows.
    if (now - this.windowStart > FLOOR_WINDOW_MS) {
      this.previousMin = this.windowMin;
      this.windowMin = Infinity;
      this.windowStart = now;
    }
    this.windowMin = Math.min(this.windowMin, latencyMs);
    const floor = Math.min(this.windowMin, this.previousMin);
    // Gently, once per floor window: the floor may just be catching up with a push service further away.
    if (this.smoothed > floor * 2 + QUEUE_ALLOWANCE_MS) return this.cut(0.9, now, FLOOR_WINDOW_MS);
    this.value = Math.min(this.ceiling, this.value + (this.slowStart ? 1 : 1 / this.value));
  }

  /** 429, 503, a timeout or a broken connection: send less. */
  congested(now = performance.now()): void {
    this.cut(0.5, now, 0);
  }

  private cut(factor: number, now: number, interval: number): void {
    this.slowStart = false;
    if (now - this.lastCut < Math.max(this.smoothed, interval, 1)) return; // one cut per round trip, at most
    this.lastCut = now;
    this.value = Math.max(1, this.value * factor);
  }
}

/** Weight of a new latency sample. */
const SMOOTHING = 0.05;
const FLOOR_WINDOW_MS = 1000;
/** Latency within twice the floor plus this much is "flat": a busy event loop adds a few milliseconds. */
const QUEUE_ALLOWANCE_MS = 20;
