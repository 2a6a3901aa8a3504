/**
 * How many requests one push service gets at once, learnt from its answers (AIMD, as TCP does with
 * its window): the limit doubles every round trip while latency stays near the lowest seen (slow
 * start), then grows by one per round trip; it halves on 429, 503 or no answer, and shrinks by a
 * tenth when latency grows, at most once per round trip; never above `ceiling`, never below 1.
 * spec-notes.md#push-server, concurrency.
 */
export class AdaptiveConcurrency {
  private value: number;
  private slowStart = true;
  private baseline = Infinity;
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
    // The floor drifts up slowly, so a push service that moved further away is not read as congested forever.
    this.baseline = this.baseline === Infinity ? latencyMs : Math.min(latencyMs, this.baseline + (this.smoothed - this.baseline) * DRIFT);
    if (this.smoothed > this.baseline * 2 + QUEUE_ALLOWANCE_MS) return this.cut(0.9, now);
    this.value = Math.min(this.ceiling, this.value + (this.slowStart ? 1 : 1 / this.value));
  }

  /** 429, 503, a timeout or a broken connection: send less. */
  congested(now = performance.now()): void {
    this.cut(0.5, now);
  }

  private cut(factor: number, now: number): void {
    this.slowStart = false;
    if (now - this.lastCut < Math.max(this.smoothed, 1)) return; // one cut per round trip
    this.lastCut = now;
    this.value = Math.max(1, this.value * factor);
  }
}

/** Weight of a new latency sample. */
const SMOOTHING = 0.05;
const DRIFT = 0.001;
/** Latency within twice the floor plus this much is "flat": a busy event loop adds a few milliseconds. */
const QUEUE_ALLOWANCE_MS = 20;
