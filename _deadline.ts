// Copyright 2026 the @nursery/nursery authors. MIT license.
import type { CancelNode } from "./_cancel_tree.ts";
import { Timer } from "./_timer.ts";

/**
 * Arms `node`'s deadline: when it passes, the node is cancelled with a
 * `TimeoutError` (origin "timeout") whose message `describe()` writes then,
 * since most deadlines are cleared first and a DOMException costs
 * microseconds. A deadline already passed expires at once, synchronously,
 * so the work it bounds starts with an aborted signal. `relative`: `time` is
 * a duration, measured as elapsed time; otherwise a point on the Date.now()
 * clock. Returns the timer to clear when the work settles.
 */
export function armDeadline(
  node: CancelNode,
  time: number,
  relative: boolean,
  describe: () => string,
): Timer | undefined {
  const expire = () =>
    node.cancel(new DOMException(describe(), "TimeoutError"), "timeout");
  if (relative ? time <= 0 : time <= Date.now()) {
    expire();
    return undefined;
  }
  return relative ? Timer.after(time, expire) : Timer.at(time, expire);
}

/** How a duration reads in a message: `250 ms`. */
export function formatMs(ms: number): string {
  return `${ms.toLocaleString("en-US")} ms`;
}
