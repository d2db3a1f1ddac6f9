// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Offline stand-in for the subset of `@std/async` (1.5.0) that this
 * repository's tests use: `delay`, `deadline` and `abortable` for promises,
 * with std's documented semantics (an aborted `delay` rejects with the
 * signal's reason; `deadline` rejects with a `TimeoutError` `DOMException`
 * from `AbortSignal.timeout`, which `FakeTime` fakes). Timers are looked up on
 * `globalThis` at call time so that `FakeTime` controls them.
 *
 * @module
 */

/** Options for {@linkcode delay}. */
export interface DelayOptions {
  /** Aborting it rejects the delay with its reason. */
  signal?: AbortSignal;
  /** Accepted for signature compatibility; timers here are always persistent. */
  persistent?: boolean;
}

/** Resolves after `ms`; rejects with `signal.reason` if the signal aborts. */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(id);
      reject(signal?.reason);
    };
    const id = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, Math.trunc(Math.max(ms, 0) || 0));
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** Options for {@linkcode deadline}. */
export interface DeadlineOptions {
  /** Aborting it rejects with its reason. */
  signal?: AbortSignal;
}

/** Rejects with a `TimeoutError` if `p` has not settled after `ms`. */
export async function deadline<T>(
  p: Promise<T>,
  ms: number,
  options: DeadlineOptions = {},
): Promise<T> {
  const signals: AbortSignal[] = [];
  if (ms < Number.MAX_SAFE_INTEGER) signals.push(AbortSignal.timeout(ms));
  if (options.signal) signals.push(options.signal);
  return await abortable(p, AbortSignal.any(signals));
}

/** Rejects with `signal.reason` if `signal` aborts before `p` settles. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  let abort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    abort = () => reject(signal.reason);
  });
  if (signal.aborted) abort();
  signal.addEventListener("abort", abort, { once: true });
  return Promise.race([aborted, p]).finally(() => {
    signal.removeEventListener("abort", abort);
  });
}
