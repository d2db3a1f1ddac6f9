// Copyright 2026 the @nursery/nursery authors. MIT license.
// The name of the task each failure came from, so that a MultiError can label
// its children without widening its public constructor. Weak, so that a
// failure's label never keeps the error alive.
const labels = new WeakMap<object, string>();

/** Remembers that `error` was raised by the task named `taskName` (first one wins). */
export function labelFailure(error: unknown, taskName: string): void {
  if (isObject(error) && !labels.has(error)) labels.set(error, taskName);
}

/** The name of the task that raised `error`, if a nursery saw it. */
export function failureLabel(error: unknown): string | undefined {
  return isObject(error) ? labels.get(error) : undefined;
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) ||
    typeof value === "function";
}
