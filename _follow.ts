// Copyright 2026 the @nursery/nursery authors. MIT license.
import { callBounded } from "./_trampoline.ts";

/**
 * Calls `onAbort(reason)` once, with the reason of whichever of `signals`
 * aborts first, at once if one already has. One listener per distinct
 * signal, removed by the returned function, which the caller must call when
 * its scope ends: a long-lived signal (a server's) must not collect
 * listeners. Bounded (`_trampoline.ts`): in a deep tree each level's listener
 * cancels the next.
 */
export function follow(
  signals: readonly (AbortSignal | undefined)[],
  onAbort: (reason: unknown) => void,
): () => void {
  let fired = false;
  const fire = (reason: unknown) => {
    if (fired) return;
    fired = true;
    onAbort(reason);
  };
  const listener = (event: Event) =>
    callBounded(fire, (event.target as AbortSignal).reason);
  const linked: AbortSignal[] = [];
  for (const signal of signals) {
    if (signal === undefined || linked.includes(signal)) continue;
    if (signal.aborted) {
      fire(signal.reason);
      break;
    }
    signal.addEventListener("abort", listener);
    linked.push(signal);
  }
  return () => {
    for (const signal of linked) signal.removeEventListener("abort", listener);
  };
}
