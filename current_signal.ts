// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode currentSignal}: the cancellation of whatever scope is running now.
 *
 * @module
 */
import { currentNode } from "./_context.ts";

/**
 * The signal of the innermost scope running now: inside a nursery task, the
 * task's own signal (its nursery's, with `taskScopes: false`); inside
 * `failAfter` and its kin, the signal its deadline aborts; inside a
 * standalone `shield(fn)(ctx)` call, the shield's; `undefined` outside any
 * scope. Deep library code can honour cancellation without a signal
 * threaded through every call. On runtimes without `AsyncLocalStorage`
 * (browsers), it holds only for the synchronous part of each call.
 *
 * @returns The current scope's signal, or `undefined`.
 *
 * @example Honouring cancellation from deep inside a call chain
 * ```ts
 * import { currentSignal, Nursery } from "@nursery/nursery";
 * import { assertStrictEquals } from "@std/assert";
 *
 * async function deepHelper() {
 *   await Promise.resolve();
 *   return currentSignal(); // e.g. fetch(url, { signal: currentSignal() })
 * }
 * await Nursery.run(async (nursery) => {
 *   // A child's code is in its own scope...
 *   const task = nursery.startSoon(deepHelper);
 *   assertStrictEquals(await task, task.signal);
 * });
 * await Nursery.run(async (nursery) => {
 *   // ...and with taskScopes: false, in its nursery's.
 *   assertStrictEquals(await nursery.startSoon(deepHelper), nursery.signal);
 * }, { taskScopes: false });
 * ```
 */
export function currentSignal(): AbortSignal | undefined {
  return currentNode()?.signal;
}
