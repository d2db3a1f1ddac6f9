// Copyright 2026 the @nursery/nursery authors. MIT license.

// setTimeout stores its delay in 32 bits: a longer one fires at once. Longer
// waits are armed in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A timer for any duration up to `Infinity` (which never arms). `after`
 * measures elapsed time with setTimeout's own clock, so a wall clock stepped
 * back does not delay it; `at` waits for a point on the `Date.now()` clock,
 * re-reading it at each step. It always fires from a timer, never during the
 * call that arms it. The global `setTimeout`/`clearTimeout` are looked up at
 * each call, so that `FakeTime` controls them.
 */
export class Timer {
  #handle: ReturnType<typeof setTimeout> | undefined;
  readonly #fire: () => void;

  private constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** Calls `fire` once `ms` milliseconds have passed. */
  static after(ms: number, fire: () => void): Timer {
    const timer = new Timer(fire);
    timer.#armFor(ms);
    return timer;
  }

  /** Calls `fire` once the `Date.now()` clock reaches `time`. */
  static at(time: number, fire: () => void): Timer {
    const timer = new Timer(fire);
    timer.#armUntil(time);
    return timer;
  }

  /** Stops the timer; `fire` is not called. */
  clear(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #armFor(remaining: number): void {
    if (remaining === Infinity) return;
    const step = Math.min(Math.max(remaining, 0), MAX_TIMER_MS);
    this.#handle = setTimeout(() => {
      if (remaining - step > 0) this.#armFor(remaining - step);
      else this.#done();
    }, step);
  }

  #armUntil(time: number): void {
    if (time === Infinity) return;
    const wait = Math.min(Math.max(time - Date.now(), 0), MAX_TIMER_MS);
    this.#handle = setTimeout(() => {
      if (Date.now() < time) this.#armUntil(time);
      else this.#done();
    }, wait);
  }

  #done(): void {
    this.#handle = undefined;
    this.#fire();
  }
}
