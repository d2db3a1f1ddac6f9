// Copyright 2026 the @nursery/nursery authors. MIT license.
import { Deadline } from "./_deadline.ts";

/** What `shield()` wrapped: the function and its time bound. */
export interface ShieldedParts {
  // deno-lint-ignore no-explicit-any
  fn: (context: any) => unknown;
  timeout: number;
}

// Wrappers made by shield(), so a nursery can recognise one and run it as a
// shielded task whose signal is the task's own (task.cancel() still reaches it).
const registry = new WeakMap<object, ShieldedParts>();

/** Records that `wrapper` is `parts.fn` under a shield. */
export function markShielded(wrapper: object, parts: ShieldedParts): void {
  registry.set(wrapper, parts);
}

/** The parts of a `shield()` wrapper, or undefined for any other function. */
export function shieldedParts(fn: unknown): ShieldedParts | undefined {
  return typeof fn === "function" ? registry.get(fn) : undefined;
}

/**
 * Calls `fn(context)` bounded by `timeout` ms: when it passes, `expire` aborts
 * the signal `fn` sees, and if `fn` then ends as a cancelled task does, the
 * outcome is the deadline's `TimeoutError`, a failure (as under `failAfter`).
 * Unbounded, `fn` is called as it is, so a synchronous outcome stays one.
 */
export function runBounded<C extends { readonly signal: AbortSignal }, T>(
  fn: (context: C) => T | PromiseLike<T>,
  context: C,
  timeout: number,
  expire: (error: DOMException) => void,
): T | PromiseLike<T> {
  return timeout === Infinity
    ? fn(context)
    : runUntilDeadline(fn, context, Date.now() + timeout, expire);
}

async function runUntilDeadline<C extends { readonly signal: AbortSignal }, T>(
  fn: (context: C) => T | PromiseLike<T>,
  context: C,
  at: number,
  expire: (error: DOMException) => void,
): Promise<T> {
  const deadline = new Deadline(at, expire);
  try {
    return await fn(context);
  } catch (error) {
    throw deadline.translate(error, context.signal);
  } finally {
    deadline.clear();
  }
}
