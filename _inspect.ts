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

/**
 * console.error(`what`, error), and never a throw: console.error inspects
 * the value, which a revoked proxy makes throw (from a timer, that would end
 * the process).
 */
export function reportError(what: string, error: unknown): void {
  try {
    console.error(what, error);
  } catch {
    console.error(what, "(a value that cannot be printed)");
  }
}

/**
 * An error's stack headed by `Name: message`, as V8 writes it: Firefox's
 * and Safari's `stack` holds only the frames. Reading the error runs user
 * code (getters): what that throws is the caller's to handle.
 */
export function headedStack(error: Error, stack: string): string {
  const head = `${String(error.name)}: ${String(error.message)}`;
  if (stack.startsWith(head)) return stack;
  return stack === "" ? head : `${head}\n${stack}`;
}

/**
 * A function's `name` if it is a string, else "": a name is user data
 * (`Object.defineProperty(fn, "name", { value: Symbol() })`, or a getter
 * that throws), and a symbol in a task's path made the slow-cancel report
 * throw out of its timer.
 */
export function functionName(fn: unknown): string {
  try {
    const name: unknown = (fn as { name?: unknown }).name;
    return typeof name === "string" ? name : "";
  } catch {
    return "";
  }
}
