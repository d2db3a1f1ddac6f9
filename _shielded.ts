// Copyright 2026 the @nursery/nursery authors. MIT license.
import type { CancelNode } from "./_cancel_tree.ts";
import { armDeadline, formatMs } from "./_deadline.ts";

/** What `shield()` wrapped: the function and its time bound. */
export interface ShieldedParts {
  // deno-lint-ignore no-explicit-any
  fn: (context: any) => unknown;
  timeout: number;
}

// Marks wrappers made by shield(), so a nursery can recognise one and run it
// as a shielded task whose signal is the task's own (task.cancel() still
// reaches it). A property under a private symbol: every startSoon looks,
// and a property load costs less than a WeakMap lookup.
const parts = Symbol("shielded parts");

/** Records that `wrapper` is `shielded.fn` under a shield. */
export function markShielded(wrapper: object, shielded: ShieldedParts): void {
  Object.defineProperty(wrapper, parts, { value: shielded });
}

/** The parts of a `shield()` wrapper, or undefined for any other function. */
export function shieldedParts(fn: unknown): ShieldedParts | undefined {
  return typeof fn === "function"
    ? (fn as { [parts]?: ShieldedParts })[parts]
    : undefined;
}

/**
 * Calls `fn(context)` with the shielded `node`'s deadline armed for
 * `timeout` ms, and clears it when `fn` settles. Unbounded, `fn` is called
 * as it is, so a synchronous outcome stays one. What the deadline's
 * cancellation makes of the outcome is the caller's rule.
 */
export function callWithTimeout<C, T>(
  fn: (context: C) => T | PromiseLike<T>,
  context: C,
  timeout: number,
  node: CancelNode,
  scopeName: string,
): T | PromiseLike<T> {
  if (timeout === Infinity) return fn(context);
  const timer = armDeadline(
    node,
    timeout,
    true,
    () =>
      `shield(timeout: ${
        formatMs(timeout)
      }) of ${scopeName} passed its deadline`,
  );
  return untilSettled(fn, context, () => timer?.clear());
}

async function untilSettled<C, T>(
  fn: (context: C) => T | PromiseLike<T>,
  context: C,
  done: () => void,
): Promise<T> {
  try {
    return await fn(context);
  } finally {
    done();
  }
}
