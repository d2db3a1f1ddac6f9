// Copyright 2026 the @nursery/nursery authors. MIT license.

// How far to follow `cause` links: far enough for real wrappers, and a bound
// that a cyclic chain cannot turn into a hang.
const MAX_CAUSE_DEPTH = 32;

/**
 * The one rule that decides whether a rejection is a cancellation or a
 * failure. Call it only for work whose signal has been aborted with
 * `reason`: then the work is cancelled if it rejected with that reason, with
 * an error whose `cause` chain holds it, or with any error named
 * `AbortError` (libraries throw their own). Anything else is a real failure,
 * kept even if it happened during cancellation (a cleanup bug must not
 * vanish). With `byName` false, only `reason` itself counts, in the chain:
 * "did this come from that cancellation?". A value whose `name` or `cause` cannot be read (a getter that
 * throws, a revoked proxy) is judged by what could be read.
 */
export function isCancellation(
  error: unknown,
  reason: unknown,
  byName = true,
): boolean {
  let link = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    if (link === reason) return true;
    if (typeof link !== "object" || link === null) return false;
    try {
      if (
        byName && depth === 0 &&
        (link as { name?: unknown }).name === "AbortError"
      ) {
        return true;
      }
      link = (link as { cause?: unknown }).cause;
    } catch {
      return false;
    }
  }
  return false;
}
