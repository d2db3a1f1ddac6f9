// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The errors a nursery raises on its own account.
 *
 * @module
 */

/**
 * The reason a nursery aborts its tasks' signals with when it cancels them
 * because a task failed, or because `cancel()` was called without a reason.
 *
 * Its `name` is `"AbortError"`, so code that already handles aborts
 * (`error.name === "AbortError"`) treats it as a cancellation. Its `cause`
 * is the failure that triggered it, if any. Each cancellation makes a new
 * instance, so "is this my own cancellation?" is an identity check.
 *
 * @example Telling a nursery's cancellation apart from a failure
 * ```ts
 * import { Cancelled, Nursery } from "@nursery/nursery";
 * import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
 *
 * let seen: unknown;
 * const error = await assertRejects(() =>
 *   Nursery.run((nursery) => {
 *     nursery.startSoon(({ signal }) =>
 *       new Promise((_resolve, reject) => {
 *         signal.addEventListener("abort", () => {
 *           seen = signal.reason;
 *           reject(signal.reason);
 *         });
 *       })
 *     );
 *     nursery.startSoon(() => {
 *       throw new Error("boom");
 *     });
 *   })
 * );
 * assertInstanceOf(seen, Cancelled);
 * assertEquals(seen.name, "AbortError");
 * assertEquals(seen.cause, error);
 * ```
 */
export class Cancelled extends Error {
  /**
   * Makes a cancellation reason.
   *
   * @param message What was cancelled and why.
   * @param options `cause`: the failure that triggered the cancellation.
   */
  constructor(message = "The task was cancelled", options?: ErrorOptions) {
    super(message, options);
    this.name = "AbortError";
  }
}

/**
 * Thrown by `startSoon` and `start` when the nursery has already finished:
 * a closed nursery cannot own new tasks, since nobody would wait for them.
 *
 * @example Starting a task after the nursery ended
 * ```ts
 * import { Nursery, NurseryClosedError } from "@nursery/nursery";
 * import { assertThrows } from "@std/assert";
 *
 * let escaped: Nursery | undefined;
 * await Nursery.run((nursery) => {
 *   escaped = nursery;
 * });
 * assertThrows(() => escaped!.startSoon(() => {}), NurseryClosedError);
 * ```
 */
export class NurseryClosedError extends Error {
  /**
   * Makes the error.
   *
   * @param message What could not be started.
   */
  constructor(message = "Cannot start task: nursery is closed") {
    super(message);
    this.name = "NurseryClosedError";
  }
}
