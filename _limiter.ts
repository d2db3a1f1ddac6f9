// Copyright 2026 the @nursery/nursery authors. MIT license.

/**
 * A nursery's concurrency limit: how many children run now, and those that
 * wait, first in first out. The queue's memory is bounded by the entries
 * still waiting: the slots already taken are dropped as the head moves on.
 */
export class Limiter<E> {
  readonly #limit: number;
  #running = 0;
  #waiting: E[] = [];
  #head = 0;
  #draining = false;

  readonly #start: (entry: E) => void;

  /** `start` begins a waiting entry when a slot frees up. */
  constructor(limit: number, start: (entry: E) => void) {
    this.#limit = limit;
    this.#start = start;
  }

  /** Whether a new child must wait. */
  get full(): boolean {
    return this.#running >= this.#limit;
  }

  /** Queues `entry` until a slot frees up. */
  wait(entry: E): void {
    this.#waiting.push(entry);
  }

  /**
   * Sets how many children run (counted again after bookkeeping was cut
   * short), then starts waiting entries while slots are free.
   */
  recount(running: number): void {
    this.#running = running + 1;
    this.release();
  }

  /** A child took a slot (it may exceed the limit: a cancelled nursery's). */
  acquire(): void {
    this.#running++;
  }

  /**
   * A child gave its slot back: starts waiting entries while slots are free.
   * Not re-entrant: an entry that ends at once inside its start comes back
   * here, and the outer loop goes on, so a long queue of synchronous tasks
   * cannot overflow the stack.
   */
  release(): void {
    this.#running--;
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (
        this.#running < this.#limit && this.#head < this.#waiting.length
      ) {
        const entry = this.#waiting[this.#head];
        this.#waiting[this.#head++] = undefined!;
        this.#compact();
        this.#start(entry);
      }
    } finally {
      this.#draining = false;
    }
  }

  // Drops the slots already taken once they are half the array: amortised
  // O(1), and a queue that never empties (a steady backlog) stays as long as
  // its backlog.
  #compact(): void {
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }
}
