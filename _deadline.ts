// Copyright 2026 the @nursery/nursery authors. MIT license.
import { isCancellation } from "./_is_cancellation.ts";

// setTimeout stores its delay in 32 bits; longer waits are re-armed in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A point on the `Date.now()` clock at which `onExpire` is called with a
 * `TimeoutError`. A deadline already reached expires at once, synchronously,
 * so the work it bounds starts with an aborted signal. Timers are the global
 * `setTimeout`/`clearTimeout`, looked up at each call, so that `FakeTime`
 * controls them; `clear()` must be called when the work settles.
 */
export class Deadline {
  readonly error: DOMException;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onExpire: (error: DOMException) => void;
  #at: number;

  constructor(at: number, onExpire: (error: DOMException) => void) {
    this.#at = at;
    this.#onExpire = onExpire;
    this.error = new DOMException("The deadline passed", "TimeoutError");
    this.#arm();
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * What the bounded work's rejection becomes: the deadline's `TimeoutError`
   * if the deadline is what aborted `signal` and the work ended as a
   * cancelled task does; otherwise the error itself.
   */
  translate(error: unknown, signal: AbortSignal): unknown {
    return signal.reason === this.error && isCancellation(error, this.error)
      ? this.error
      : error;
  }

  #arm(): void {
    if (this.#at === Infinity) return;
    const wait = this.#at - Date.now();
    if (wait <= 0) {
      this.#timer = undefined;
      this.#onExpire(this.error);
    } else {
      this.#timer = setTimeout(() => this.#arm(), Math.min(wait, MAX_TIMER_MS));
    }
  }
}
