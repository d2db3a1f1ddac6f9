// Copyright 2026 the @nursery/nursery authors. MIT license.
// The name of the task each failure came from, so that a MultiError can label
// its children without widening its public constructor. Objects (frozen ones
// too) are labelled in a WeakMap, so that a label never keeps the error
// alive; a nursery also hands its own labels to the MultiError it makes
// (`withLabels`), which is how a thrown string or `undefined` keeps its task.
const labels = new WeakMap<object, string>();
let pending: ReadonlyMap<unknown, string> | undefined;

/** Remembers that `error` was raised by the task named `taskName` (first one wins). */
export function labelFailure(error: unknown, taskName: string): void {
  if (isObject(error) && !labels.has(error)) labels.set(error, taskName);
}

/**
 * The name of the task that raised `error`: from the labels of the
 * MultiError being made, else from any nursery that saw it.
 */
export function failureLabel(error: unknown): string | undefined {
  return pending?.get(error) ??
    (isObject(error) ? labels.get(error) : undefined);
}

/** The labels handed to the MultiError being made, if any. */
export function givenLabels(): ReadonlyMap<unknown, string> | undefined {
  return pending;
}

/** Calls `make()` with `failures`' labels readable through {@linkcode failureLabel}. */
export function withLabels<T>(
  failures: ReadonlyMap<unknown, string>,
  make: () => T,
): T {
  const outer = pending;
  pending = failures;
  try {
    return make();
  } finally {
    pending = outer;
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) ||
    typeof value === "function";
}
