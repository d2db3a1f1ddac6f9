// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode configureImplicitTree} and {@linkcode implicitTreeMode}: how a
 * scope opened without a `signal` finds the scope it runs in, and the
 * process-wide switch for programs that pass their signals by hand.
 *
 * @module
 */
import { followsAsyncCode, useAsyncContext } from "./_context.ts";
import { setTreeWarnings } from "./_tree_warnings.ts";
import { checkBoolean, checkOptions } from "./_validate.ts";

/**
 * How a nursery, timeout or shield opened without a `signal` is linked to
 * the scope its code runs in:
 *
 * - `"async context"`: through `AsyncLocalStorage`, across awaits, timers
 *   and callbacks (Deno, Node, Bun, workerd with `nodejs_compat` or
 *   `nodejs_als`);
 * - `"synchronous"`: only while the enclosing scope's own call is on the
 *   stack (browsers, or after `configureImplicitTree({ asyncContext: false })`);
 *   after an await, pass the task's `signal` to link it.
 */
export type ImplicitTreeMode = "async context" | "synchronous";

/** Options for {@linkcode configureImplicitTree}. */
export interface ImplicitTreeOptions {
  /**
   * `false`: never use `AsyncLocalStorage` in this process; scopes link
   * to their parent through the signals passed to them, and for the
   * synchronous part of each call. `true`: use it where the runtime has it.
   *
   * @default {true}
   */
  asyncContext?: boolean;
  /**
   * `false`: no console warning, neither that a scope became a root because
   * the runtime has no `AsyncLocalStorage`, nor that Node's async hooks slow
   * the process.
   *
   * @default {true}
   */
  warn?: boolean;
}

/**
 * Chooses, for the whole process, whether the implicit tree follows async
 * code through `AsyncLocalStorage`, and whether the library warns about it.
 * Call it once, at startup, before the first nursery.
 *
 * Two reasons to call it. On Node before 24 (or run with
 * `--no-async-context-frame`) `AsyncLocalStorage` is built on async hooks,
 * which slow every promise of the process once a nursery has run; the
 * library says so once on the console. A program that passes `{ signal }`
 * to every nursery and timeout it opens inside a task loses nothing with
 * `{ asyncContext: false }`, and its other code pays no tax (called before
 * the first nursery: once on, Node's hooks stay on). And where the
 * runtime has no `AsyncLocalStorage` (a browser), the first scope opened
 * without a signal after an await, while a nursery runs, is a root that
 * cancelling its task will not reach; the library warns once, and
 * `{ warn: false }` says that the program knows.
 *
 * @param options Whether to use the async context, and whether to warn.
 * @throws {TypeError} If `options` is not an object, or an option not a
 * boolean.
 *
 * @example Explicit signals, no async context
 * ```ts
 * import {
 *   configureImplicitTree,
 *   implicitTreeMode,
 *   Nursery,
 * } from "@nursery/nursery";
 * import { assert, assertEquals } from "@std/assert";
 *
 * configureImplicitTree({ asyncContext: false });
 * try {
 *   assertEquals(implicitTreeMode(), "synchronous");
 *   await Nursery.run((nursery) => {
 *     const task = nursery.startSoon(async ({ signal }) => {
 *       await Promise.resolve();
 *       // After an await, the task's signal links the inner nursery.
 *       await Nursery.run(async (inner) => {
 *         await new Promise((resolve) =>
 *           inner.signal.addEventListener("abort", resolve)
 *         );
 *       }, { signal });
 *       assert(signal.aborted);
 *     });
 *     setTimeout(() => task.cancel(), 1);
 *   });
 * } finally {
 *   configureImplicitTree({ asyncContext: true });
 * }
 * ```
 */
export function configureImplicitTree(options: ImplicitTreeOptions): void {
  const action = "configure implicit tree";
  // Required: a call with nothing to configure is a mistake.
  if (options === undefined) {
    throw new TypeError(
      `Cannot ${action} as 'options' must be an object: received undefined`,
    );
  }
  checkOptions(options, action);
  const { asyncContext, warn } = options;
  checkBoolean(asyncContext, action, "options.asyncContext");
  checkBoolean(warn, action, "options.warn");
  if (asyncContext !== undefined) useAsyncContext(asyncContext);
  if (warn !== undefined) setTreeWarnings(warn);
}

/**
 * How scopes opened without a signal are linked here, now: through the
 * async context, or only synchronously.
 *
 * @returns The current mode.
 *
 * @example Asking before relying on the tree after an await
 * ```ts
 * import { implicitTreeMode } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * // Deno has AsyncLocalStorage; a browser would say "synchronous".
 * assertEquals(implicitTreeMode(), "async context");
 * ```
 */
export function implicitTreeMode(): ImplicitTreeMode {
  return followsAsyncCode() ? "async context" : "synchronous";
}
