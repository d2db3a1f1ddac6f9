// Copyright 2026 the @nursery/nursery authors. MIT license.
// The clock for the ages that tree(), dumpTasks() and the reports show.
// Reading Date.now() for every task was a tenth of the spawn path's time;
// starting 10,000 tasks in one synchronous loop now reads it once. Not for
// deadlines: those are timers (_timer.ts).
let cached: number | undefined;

function forget(): void {
  cached = undefined;
}

/** Date.now(), read at most once per synchronous run of code. */
export function coarseNow(): number {
  if (cached !== undefined) return cached;
  const now = Date.now();
  try {
    queueMicrotask(forget);
    cached = now;
  } catch {
    // Out of stack: uncached, rather than never forgotten (a cancel() from
    // a fresh turn must not throw here either).
  }
  return now;
}
