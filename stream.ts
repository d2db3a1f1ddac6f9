// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode streamWith}, behind `Nursery.stream`: results as they complete,
 * from a structured pool.
 *
 * This module does not import the nursery: `Nursery.stream(items, fn)` is
 * `streamWith(Nursery.run, items, fn)`, and the types it uses of a nursery
 * are the structural {@linkcode NurseryRunner} and {@linkcode NurseryScope}.
 *
 * @module
 */
import { checkPipelineArguments, Pipeline } from "./_pipeline.ts";
import type { NurseryRunner } from "./_runner.ts";
import { checkBoolean } from "./_validate.ts";

export type { NurseryRunner } from "./_runner.ts";
export type { NurseryScope } from "./types.ts";

/**
 * Options for `Nursery.stream`.
 *
 * @example Two at a time, in input order
 * ```ts
 * import { Nursery, type NurseryStreamOptions } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const options: NurseryStreamOptions = { concurrency: 2, ordered: true };
 * const seen = await Array.fromAsync(Nursery.stream([1, 2, 3], (n) => n * 2, options));
 * assertEquals(seen, [2, 4, 6]);
 * ```
 */
export interface NurseryStreamOptions {
  /**
   * At most this many items are between being read and being taken by the
   * loop: running, or finished and waiting. A positive integer or `Infinity`
   * (then a slow consumer does not hold the work back).
   *
   * @default {Infinity}
   */
  concurrency?: number;
  /**
   * Yield the results in input order, holding back those that finish early
   * (they count against `concurrency` while they wait).
   *
   * @default {false}
   */
  ordered?: boolean;
  /**
   * Outer cancellation: when it aborts, every call is cancelled and the loop
   * throws its reason.
   */
  signal?: AbortSignal;
}

/**
 * What the function given to `Nursery.stream` receives besides the item.
 *
 * @example Using the index and the signal
 * ```ts
 * import { Nursery, type StreamContext } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const label = (item: string, { index, signal }: StreamContext) =>
 *   signal.aborted ? "" : `${index}:${item}`;
 * const seen = await Array.fromAsync(Nursery.stream(["a", "b"], label, { ordered: true }));
 * assertEquals(seen, ["0:a", "1:b"]);
 * ```
 */
export interface StreamContext {
  /** Aborted when the stream is cancelled: a failure, `break`, the outer signal. */
  readonly signal: AbortSignal;
  /** The item's position in the input. */
  readonly index: number;
}

/**
 * Calls `fn(item, { signal, index })` for each item in a nursery opened with
 * `run`, at most `concurrency` at once, and yields the results as they
 * complete (with `ordered`, in input order). `Nursery.stream` is this with
 * `Nursery.run`; pass another runner to configure the nursery.
 *
 * - Lazy: nothing starts before the first `next()`; the nursery opens there,
 *   so the scope that first iterates is its implicit parent (cancelling it
 *   cancels the stream). The input is read only as slots free up, and a slot
 *   frees when the loop takes a result: a slow consumer pauses the work, and
 *   at most `concurrency` results ever wait. Items are passed to `fn` as they
 *   are (promises in a sync iterable are not awaited).
 * - Structured: `break` (or `return()`) cancels the calls in flight, waits
 *   for them, and closes the input iterator before it settles. A failure
 *   cancels the rest, waits, and the loop throws it (several: a
 *   `MultiError`, by the nursery's rules); results not yet taken are
 *   dropped. The outer signal, or the implicit parent, cancels it all and
 *   the loop throws the reason. `return()` rejects only with a failure (or
 *   a reason) the loop has not seen yet. An async input whose `next()` is
 *   pending when the stream stops is sent `return()` at once (an async
 *   generator runs it once that `next()` settles).
 * - An iterator that is made and never iterated starts nothing; one that is
 *   abandoned mid-way (neither finished nor closed) keeps its calls running
 *   until they finish, then idles. `for await` never abandons.
 *
 * Arguments are checked at the call, as iterator helpers do, not at the
 * first `next()`.
 *
 * @typeParam T The items' type.
 * @typeParam R The results' type.
 * @param run Opens the nursery: `Nursery.run`, or a wrapper around it.
 * @param items A sync or async iterable, read lazily.
 * @param fn The work for one item.
 * @param options The concurrency limit, the order, and an outer signal.
 * @returns An async iterator of the results.
 * @throws {TypeError} If `items` is not iterable, `fn` not a function, or an
 * option has the wrong type.
 * @throws {RangeError} If `concurrency` is not a positive integer or
 * `Infinity`.
 *
 * @example Results as they complete, through a custom runner
 * ```ts
 * import { Nursery } from "@nursery/nursery";
 * import { streamWith } from "@nursery/nursery/stream";
 * import { delay } from "@std/async";
 * import { assertEquals } from "@std/assert";
 *
 * const results = streamWith(
 *   (body, options) => Nursery.run(body, { ...options, slowCancelAfter: 1_000 }),
 *   [30, 10, 20],
 *   async (ms, { signal }) => {
 *     await delay(ms, { signal });
 *     return ms;
 *   },
 * );
 * assertEquals(await Array.fromAsync(results), [10, 20, 30]);
 * ```
 */
export function streamWith<T, R>(
  run: NurseryRunner,
  items: Iterable<T> | AsyncIterable<T>,
  fn: (item: T, context: StreamContext) => R | PromiseLike<R>,
  options: NurseryStreamOptions = {},
): AsyncIterableIterator<R> {
  const action = "stream items";
  checkPipelineArguments(run, items, fn, options, action);
  checkBoolean(options.ordered, action, "options.ordered");
  const { concurrency = Infinity, ordered = false, signal } = options;
  return new StreamIterator(
    new Pipeline(run, items, fn, {
      concurrency,
      ordered,
      signal,
      name: "stream",
    }),
  );
}

const noop = () => {};

// next() calls are served one after the other; return() acts at once (a
// pending next() then resolves done).
class StreamIterator<T, R> implements AsyncIterableIterator<R> {
  readonly #pipeline: Pipeline<T, R>;
  #tail: Promise<void> = Promise.resolve();

  constructor(pipeline: Pipeline<T, R>) {
    this.#pipeline = pipeline;
  }

  next(): Promise<IteratorResult<R, undefined>> {
    // Opened here, synchronously, so that the caller's scope is its parent.
    this.#pipeline.open();
    const result = this.#tail.then(() => this.#pipeline.take()).then((
      delivery,
    ): IteratorResult<R, undefined> =>
      delivery === undefined
        ? { done: true, value: undefined }
        : { done: false, value: delivery.value }
    );
    this.#tail = result.then(noop, noop);
    return result;
  }

  async return(): Promise<IteratorResult<R, undefined>> {
    await this.#pipeline.close();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
