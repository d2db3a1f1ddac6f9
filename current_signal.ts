// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode currentSignal}: the cancellation of whatever scope is running now.
 *
 * @module
 */
import { currentScope } from "./_context.ts";

/**
 * The signal of the innermost scope running now: inside a nursery task, the
 * nursery's signal (or the task's own, with `taskScopes: true` or in a
 * shielded task); inside `failAfter` and its kin, the signal its deadline
 * aborts; `undefined` outside any scope (and on runtimes without
 * `AsyncLocalStorage`, such as browsers). Deep library code can honour
 * cancellation without a signal threaded through every call.
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
 *   // By default a child's code is in its nursery's scope...
 *   assertStrictEquals(await nursery.startSoon(deepHelper), nursery.signal);
 * });
 * await Nursery.run(async (nursery) => {
 *   // ...and with taskScopes: true, in its own.
 *   const task = nursery.startSoon(deepHelper);
 *   assertStrictEquals(await task, task.signal);
 * }, { taskScopes: true });
 * ```
 */
export function currentSignal(): AbortSignal | undefined {
  return currentScope()?.signal;
}
