// Copyright 2026 the @nursery/nursery authors. MIT license.
// Nurseries nest through synchronous calls: opening one calls its body, which
// starts a task, which opens the next; cancelling one aborts a signal whose
// listener cancels the next. A chain of 1,000 levels overflowed the stack
// (measured: bench "chain of 1,000 nested scopes"). Past a depth that no flat
// program reaches, the next step runs on a microtask instead, from an empty
// stack: the order of events is kept, only the stack is not.
const MAX_SYNC_DEPTH = 64;
let depth = 0;

/** Calls `step(argument)` now, or on a fresh microtask when nested too deep. */
export function callBounded<A>(step: (argument: A) => void, argument: A): void {
  if (depth >= MAX_SYNC_DEPTH) {
    queueMicrotask(() => callBounded(step, argument));
    return;
  }
  depth++;
  try {
    step(argument);
  } finally {
    depth--;
  }
}
