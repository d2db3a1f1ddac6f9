// Copyright 2026 the @nursery/nursery authors. MIT license.
// Looking at a value a task threw or returned runs user code: `instanceof`
// calls a proxy's getPrototypeOf trap, which throws on a revoked proxy. The
// bookkeeping must never throw because of what it looks at.

/** `value instanceof Class`, false where asking throws. */
export function isInstance<T>(
  value: unknown,
  // deno-lint-ignore no-explicit-any
  Class: abstract new (...args: any[]) => T,
): value is T {
  try {
    return value instanceof Class;
  } catch {
    return false;
  }
}
