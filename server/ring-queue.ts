/**
 * A first-in first-out queue in a fixed array: memory is set by its capacity, not by how many items
 * ever passed through (an array with a moving head keeps them all until it empties).
 */
export class RingQueue<T> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  length = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity);
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  /** Adds at the tail; false when full. */
  push(item: T): boolean {
    if (this.full) return false;
    this.slots[(this.head + this.length++) % this.capacity] = item;
    return true;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.length--;
    return item;
  }
}
