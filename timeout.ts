// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Timeouts and deadlines that cancel the work they bound: {@linkcode failAfter},
 * {@linkcode moveOnAfter}, {@linkcode failAt} and {@linkcode moveOnAt}.
 *
 * @module
 */
import { CancelNode, followSignal } from "./_cancel_tree.ts";
import { callInNode, parentOfNewScope } from "./_context.ts";
import { armDeadline, formatMs } from "./_deadline.ts";
import { isCancellation } from "./_is_cancellation.ts";
import { enclosingTask } from "./_task.ts";
import {
  checkDuration,
  checkFunction,
  checkOptions,
  checkSignal,
  checkTime,
} from "./_validate.ts";

/**
 * Options for the timeout helpers.
 *
 * @example Linking a timeout to a request's signal
 * ```ts
 * import { failAfter, type TimeoutOptions } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const request = new AbortController();
 * const options: TimeoutOptions = { signal: request.signal };
 * assertEquals(await failAfter(1_000, () => "answer", options), "answer");
 * ```
 */
export interface TimeoutOptions {
  /**
   * Outer cancellation: when it aborts, the work's signal is aborted with its
   * reason, and the helper rejects with whatever the work rejects with. It is
   * combined with the scope the call runs in (a nursery task, another
   * timeout): either one aborting cancels the work.
   */
  signal?: AbortSignal;
}

/**
 * What the work bounded by a timeout receives.
 *
 * @example Honouring the deadline's signal
 * ```ts
 * import { moveOnAfter, type TimeoutContext } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals } from "@std/assert";
 *
 * const slow = ({ signal }: TimeoutContext) => delay(60_000, { signal });
 * assertEquals(await moveOnAfter(5, slow), undefined);
 * ```
 */
export interface TimeoutContext {
  /** Aborted when the deadline passes (reason: a `TimeoutError`) or the outer signal aborts. */
  readonly signal: AbortSignal;
}

/**
 * Work bounded by a timeout.
 *
 * @typeParam T The work's result.
 *
 * @example Typing bounded work
 * ```ts
 * import { failAfter, type TimeoutFunction } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const work: TimeoutFunction<number> = ({ signal }) => signal.aborted ? 0 : 1;
 * assertEquals(await failAfter(100, work), 1);
 * ```
 */
export type TimeoutFunction<T> = (
  context: TimeoutContext,
) => T | PromiseLike<T>;

/**
 * Runs `fn({ signal })` and, if `ms` milliseconds pass first, aborts that
 * signal, waits for `fn` to settle, and rejects with a `DOMException` named
 * `TimeoutError`.
 *
 * Cancellation stays cooperative: `failAfter` rejects with the `TimeoutError`
 * only if `fn` ended because of the deadline (it rejected as a cancelled task
 * does). If `fn` resolves anyway, that is the result; if it fails otherwise,
 * that error. The `TimeoutError` is an ordinary failure, not a cancellation: a
 * nursery around `failAfter` reports it. Unlike `deadline` from `@std/async`,
 * which stops waiting but lets the work run on, this cancels the work and
 * waits for it: nothing is left running.
 *
 * @typeParam T The work's result.
 * @param ms How long `fn` may take: a non-negative number or `Infinity`.
 * @param fn The work; it receives `{ signal }`.
 * @param options An outer signal.
 * @returns The work's result.
 * @throws {RangeError} (as a rejection) If `ms` is negative or NaN.
 * @throws {TypeError} (as a rejection) If `ms` is not a number, `fn` not a
 * function, or `options.signal` not an AbortSignal.
 *
 * @example A timeout around a nursery cancels all of it
 * ```ts
 * import { failAfter, Nursery } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals, assertRejects } from "@std/assert";
 *
 * const error = await assertRejects(() =>
 *   failAfter(10, ({ signal }) =>
 *     Nursery.run((nursery) => {
 *       nursery.startSoon((ctx) => delay(60_000, ctx));
 *       nursery.startSoon((ctx) => delay(60_000, ctx));
 *     }, { signal }))
 * );
 * assertEquals((error as DOMException).name, "TimeoutError");
 * ```
 */
export function failAfter<T>(
  ms: number,
  fn: TimeoutFunction<T>,
  options?: TimeoutOptions,
): Promise<T> {
  return bounded("failAfter", ms, true, fn, options, false) as Promise<T>;
}

/**
 * Like {@linkcode failAfter}, but absorbs its own timeout and resolves
 * `undefined` (Kotlin's `withTimeoutOrNull`, trio's `move_on_after`). Any
 * other error passes through.
 *
 * @typeParam T The work's result.
 * @param ms How long `fn` may take: a non-negative number or `Infinity`.
 * @param fn The work; it receives `{ signal }`.
 * @param options An outer signal.
 * @returns The work's result, or `undefined` if the deadline cut it off.
 * @throws {RangeError} (as a rejection) If `ms` is negative or NaN.
 * @throws {TypeError} (as a rejection) If an argument has the wrong type.
 *
 * @example Taking what arrived in time
 * ```ts
 * import { moveOnAfter } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals } from "@std/assert";
 *
 * const slow = await moveOnAfter(10, async ({ signal }) => {
 *   await delay(60_000, { signal });
 *   return "too late";
 * });
 * assertEquals(slow, undefined);
 * assertEquals(await moveOnAfter(1_000, () => "in time"), "in time");
 * ```
 */
export function moveOnAfter<T>(
  ms: number,
  fn: TimeoutFunction<T>,
  options?: TimeoutOptions,
): Promise<T | undefined> {
  return bounded("moveOnAfter", ms, true, fn, options, true);
}

/**
 * Like {@linkcode failAfter}, with an absolute deadline on the `Date.now()`
 * clock. A deadline already past calls `fn` with an aborted signal.
 *
 * @typeParam T The work's result.
 * @param deadline When `fn` must be done, in milliseconds since the epoch.
 * @param fn The work; it receives `{ signal }`.
 * @param options An outer signal.
 * @returns The work's result.
 * @throws {RangeError} (as a rejection) If `deadline` is NaN.
 * @throws {TypeError} (as a rejection) If an argument has the wrong type.
 *
 * @example One deadline for several steps
 * ```ts
 * import { failAt } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const deadline = Date.now() + 1_000;
 * const a = await failAt(deadline, () => "step 1");
 * const b = await failAt(deadline, () => "step 2");
 * assertEquals([a, b], ["step 1", "step 2"]);
 * ```
 */
export function failAt<T>(
  deadline: number,
  fn: TimeoutFunction<T>,
  options?: TimeoutOptions,
): Promise<T> {
  return bounded("failAt", deadline, false, fn, options, false) as Promise<T>;
}

/**
 * Like {@linkcode moveOnAfter}, with an absolute deadline on the `Date.now()`
 * clock. A deadline already past calls `fn` with an aborted signal.
 *
 * @typeParam T The work's result.
 * @param deadline When `fn` must be done, in milliseconds since the epoch.
 * @param fn The work; it receives `{ signal }`.
 * @param options An outer signal.
 * @returns The work's result, or `undefined` if the deadline cut it off.
 * @throws {RangeError} (as a rejection) If `deadline` is NaN.
 * @throws {TypeError} (as a rejection) If an argument has the wrong type.
 *
 * @example A deadline already past
 * ```ts
 * import { moveOnAt } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const result = await moveOnAt(Date.now() - 1, ({ signal }) => {
 *   signal.throwIfAborted();
 *   return "never";
 * });
 * assertEquals(result, undefined);
 * ```
 */
export function moveOnAt<T>(
  deadline: number,
  fn: TimeoutFunction<T>,
  options?: TimeoutOptions,
): Promise<T | undefined> {
  return bounded("moveOnAt", deadline, false, fn, options, true);
}

// The four helpers differ only in how the deadline is given (`relative`: ms
// from now, measured as elapsed time; else a time on the Date.now() clock)
// and in what an expired deadline gives (`moveOn`: undefined, else the
// TimeoutError). Arguments are checked before anything runs.
function bounded<T>(
  helper: string,
  time: number,
  relative: boolean,
  fn: TimeoutFunction<T>,
  options: TimeoutOptions | undefined,
  moveOn: boolean,
): Promise<T | undefined> {
  const action = `run ${helper}`;
  try {
    if (relative) checkDuration(time, action, "ms");
    else checkTime(time, action, "deadline");
    checkFunction(fn, action, "fn");
    checkOptions(options, action);
    checkSignal(options?.signal, action);
  } catch (error) {
    return Promise.reject(error);
  }
  // The call is a node of the tree, under the scope it runs in: cancelling
  // that scope cancels fn's work, and fn's nurseries hang from this node.
  const outer = options?.signal;
  const parent = parentOfNewScope(outer);
  const node = new CancelNode(parent, false);
  const unfollow = outer !== undefined && outer !== parent?.signalIfMade
    ? followSignal(node, outer)
    : undefined;
  const timer = armDeadline(node, time, relative, () => {
    const given = relative
      ? formatMs(time)
      : Number.isNaN(new Date(time).getTime())
      ? String(time)
      : new Date(time).toISOString();
    return `${helper}(${given})${where(parent)} passed its deadline`;
  });
  return settle(node, fn, moveOn, () => {
    timer?.clear();
    unfollow?.();
    node.close();
  });
}

async function settle<T>(
  node: CancelNode,
  fn: TimeoutFunction<T>,
  moveOn: boolean,
  done: () => void,
): Promise<T | undefined> {
  try {
    return await callInNode(node, fn, timeoutContext(node));
  } catch (error) {
    if (!node.endsAsCancellation(error)) throw error;
    // A cancellation from outside passes through, even after the deadline:
    // what the deadline's own reason ended becomes the outside reason.
    // Another AbortError (a nested nursery's own) goes up as it is.
    if (node.fromAbove) {
      throw isCancellation(error, node.reason, false)
        ? node.aboveReason
        : error;
    }
    if (moveOn) return undefined;
    throw node.reason;
  } finally {
    done();
  }
}

/** `fn`'s context: plain data, so that a spread keeps the signal. */
function timeoutContext(node: CancelNode): TimeoutContext {
  return { signal: node.signal };
}

/** ` in nursery "crawl"`, for the message; empty outside any nursery. */
function where(node: CancelNode | undefined): string {
  const task = enclosingTask(node);
  return task === undefined ? "" : ` in nursery "${task.owner.name}"`;
}
