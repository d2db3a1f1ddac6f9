// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode shield}: work that must finish even when its nursery is cancelled.
 *
 * @module
 */
import { CancelNode } from "./_cancel_tree.ts";
import { callWithTimeout, markShielded } from "./_shielded.ts";
import { callInNode, currentNode } from "./_context.ts";
import { functionName } from "./_inspect.ts";
import { checkDuration, checkFunction, checkOptions } from "./_validate.ts";
import type { TaskContext } from "./types.ts";

/**
 * Options for {@linkcode shield}.
 *
 * @example A shield with a time bound
 * ```ts
 * import { Nursery, shield, type ShieldOptions } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const options: ShieldOptions = { timeout: 1_000 };
 * const flushed = await Nursery.run((n) => {
 *   const task = n.startSoon(shield(() => "flushed", options));
 *   n.cancel(); // the shielded task is not cancelled
 *   return task;
 * });
 * assertEquals(flushed, "flushed");
 * ```
 */
export interface ShieldOptions {
  /**
   * Bounds the shielded work, so that it cannot hold a cancelled nursery open
   * forever. The timer starts when the task starts; when it fires, the task's
   * signal is aborted and, if the task ends because of it, it fails with a
   * `TimeoutError` (as under `failAfter`).
   *
   * @default {Infinity}
   */
  timeout?: number;
}

/**
 * Wraps a task function so that its signal is not aborted when its nursery,
 * or anything above it, is cancelled: the payment must finish even though the
 * SMS failed.
 *
 * The nursery still waits for a shielded task, and a shielded task's own
 * failure is still reported (and cancels its unshielded siblings). A shield
 * blocks cancellation from above, not a direct request: `task.cancel()` still
 * cancels it, and `task.signal` is the signal the shielded function sees.
 * Called on its own, `shield(fn)(context)` runs `fn` with a fresh signal that
 * `context.signal` does not reach.
 *
 * @typeParam C The context the function receives.
 * @typeParam T The function's result.
 * @param fn The work to protect.
 * @param options A time bound for it.
 * @returns A task function to pass to `startSoon` or `start`, or to call.
 * @throws {TypeError} If `fn` is not a function, or `options.timeout` not a number.
 * @throws {RangeError} If `options.timeout` is negative or NaN.
 *
 * @example The payment finishes even though the SMS failed
 * ```ts
 * import { Nursery, shield } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals, assertRejects } from "@std/assert";
 *
 * let charged = false;
 * const error = await assertRejects(() =>
 *   Nursery.run((nursery) => {
 *     nursery.startSoon(shield(async (ctx) => {
 *       await delay(20, ctx); // not cancelled by the SMS failure
 *       charged = true;
 *     }));
 *     nursery.startSoon(() => {
 *       throw new Error("SMS gateway down");
 *     });
 *   }), Error);
 * assertEquals(error.message, "SMS gateway down");
 * assertEquals(charged, true);
 * ```
 */
export function shield<C extends TaskContext, T>(
  fn: (context: C) => T | PromiseLike<T>,
  options: ShieldOptions = {},
): (context: C) => Promise<T> {
  checkFunction(fn, "shield task", "fn");
  checkOptions(options, "shield task");
  const { timeout = Infinity } = options;
  checkDuration(timeout, "shield task", "options.timeout");
  const standalone = async (context: C): Promise<T> => {
    // Called directly: a shielded node of its own, out of the reach of the
    // scope it is called in; what fn opens is shielded with it.
    const node = new CancelNode(currentNode(), true);
    const shielded = {
      ...context,
      name: context?.name,
      signal: node.signal,
    } as C;
    const name = context?.name === undefined
      ? "a shielded call"
      : `task "${context.name}"`;
    try {
      return await callInNode(
        node,
        (context) => callWithTimeout(fn, context, timeout, node, name),
        shielded,
      );
    } catch (error) {
      // Its own deadline is a failure, as under failAfter.
      throw node.origin === "timeout" && node.endsAsCancellation(error)
        ? node.reason
        : error;
    } finally {
      node.close();
    }
  };
  Object.defineProperty(standalone, "name", { value: functionName(fn) });
  markShielded(standalone, { fn, timeout });
  return standalone;
}
