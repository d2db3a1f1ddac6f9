// Copyright 2026 the @nursery/nursery authors. MIT license.
// Stand-ins for real I/O in the examples: abortable waits that return data.
/** Resolves `value` after `ms`, or rejects with the signal's reason. */
export function work<T>(
  ms: number,
  value: T,
  options: { signal?: AbortSignal } = {},
): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
