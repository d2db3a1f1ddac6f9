// Copyright 2026 the @nursery/nursery authors. MIT license.

/**
 * Aborts `controller` with the reason of whichever of `signals` aborts first,
 * at once if one already has. One listener per signal, removed by the
 * returned function, which the caller must call when its scope ends: a
 * long-lived signal (a server's) must not collect listeners.
 */
export function follow(
  signals: readonly (AbortSignal | undefined)[],
  controller: AbortController,
): () => void {
  const linked: AbortSignal[] = [];
  const onAbort = (event: Event) =>
    controller.abort((event.target as AbortSignal).reason);
  for (const signal of signals) {
    if (signal === undefined || controller.signal.aborted) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      continue;
    }
    signal.addEventListener("abort", onAbort);
    linked.push(signal);
  }
  return () => {
    for (const signal of linked) signal.removeEventListener("abort", onAbort);
  };
}
