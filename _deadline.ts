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
  // Made only when the deadline passes: a DOMException costs microseconds,
  // and most deadlines are cleared first.
  #error: DOMException | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onExpire: (error: DOMException) => void;
  #at: number;

  constructor(at: number, onExpire: (error: DOMException) => void) {
    this.#at = at;
    this.#onExpire = onExpire;
    this.#arm();
  }

  /** The deadline's `TimeoutError`, once it has passed. */
  get error(): DOMException | undefined {
    return this.#error;
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
    const timeout = this.#error;
    return timeout !== undefined && signal.reason === timeout &&
        isCancellation(error, timeout)
      ? timeout
      : error;
  }

  #arm(): void {
    if (this.#at === Infinity) return;
    const wait = this.#at - Date.now();
    if (wait <= 0) {
      this.#timer = undefined;
      this.#error = new DOMException("The deadline passed", "TimeoutError");
      this.#onExpire(this.#error);
    } else {
      this.#timer = setTimeout(() => this.#arm(), Math.min(wait, MAX_TIMER_MS));
    }
  }
}
