// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode mapWith}, behind `Nursery.map`: a structured pool that collects
 * its results in input order. It is the collecting form of `Nursery.stream`
 * (the same machinery), so it shares its rules.
 *
 * This module does not import the nursery: `Nursery.map(items, fn)` is
 * `mapWith(Nursery.run, items, fn)`.
 *
 * @module
 */
import { checkPipelineArguments, Pipeline } from "./_pipeline.ts";
import type { NurseryRunner } from "./_runner.ts";
import type { StreamContext } from "./stream.ts";

export type { NurseryRunner } from "./_runner.ts";
export type { NurseryScope } from "./types.ts";

/**
 * Options for `Nursery.map`.
 *
 * @example A pool of two
 * ```ts
 * import { Nursery, type NurseryMapOptions } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const options: NurseryMapOptions = { concurrency: 2 };
 * assertEquals(await Nursery.map([1, 2, 3], (n) => n * 10, options), [10, 20, 30]);
 * ```
 */
export interface NurseryMapOptions {
  /**
   * At most this many calls of `fn` run at once. A positive integer or
   * `Infinity`.
   *
   * @default {Infinity}
   */
  concurrency?: number;
  /**
   * Outer cancellation: when it aborts, every call is cancelled and the map
   * rejects with its reason.
   */
  signal?: AbortSignal;
}

/**
 * What the function given to `Nursery.map` receives besides the item: the
 * same as for `Nursery.stream`.
 *
 * @example Using the index and the signal
 * ```ts
 * import { type MapContext, Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const label = (item: string, { index, signal }: MapContext) =>
 *   signal.aborted ? "" : `${index}:${item}`;
 * assertEquals(await Nursery.map(["a", "b"], label), ["0:a", "1:b"]);
 * ```
 */
export type MapContext = StreamContext;

/**
 * Calls `fn(item, { signal, index })` for each item in a nursery opened with
 * `run`, at most `concurrency` at a time, and resolves with the results in
 * input order: a structured `pooledMap`. `Nursery.map` is this with
 * `Nursery.run`.
 *
 * The input (sync or async iterable) is read lazily, as slots free up. On
 * the first failure it cancels the calls in flight, reads and calls no more,
 * closes the input iterator (`return()`, as `for...of` does when it stops
 * early), and rejects with that failure once everything has settled: unlike
 * `pooledMap` from `@std/async`, nothing keeps running after it rejects. With
 * a signal that is already aborted, it calls `fn` for no item and rejects
 * with the signal's reason.
 *
 * @typeParam T The items' type.
 * @typeParam R The results' type.
 * @param run Opens the nursery: `Nursery.run`, or a wrapper around it.
 * @param items The inputs, a sync or async iterable; read lazily.
 * @param fn The work for one item.
 * @param options The concurrency limit and an outer signal.
 * @returns The results, in input order.
 * @throws {TypeError} (as a rejection) If `items` is not iterable, `fn` not a
 * function, or an option has the wrong type.
 * @throws {RangeError} (as a rejection) If `concurrency` is not a positive
 * integer or `Infinity`.
 *
 * @example Mapping an async iterable through a custom runner
 * ```ts
 * import { Nursery } from "@nursery/nursery";
 * import { mapWith } from "@nursery/nursery/map";
 * import { assertEquals } from "@std/assert";
 *
 * async function* pages() {
 *   yield "a";
 *   yield "b";
 * }
 * const sizes = await mapWith(
 *   (body, options) => Nursery.run(body, { ...options, strict: true }),
 *   pages(),
 *   (page, { index }) => `${index}:${page}`,
 * );
 * assertEquals(sizes, ["0:a", "1:b"]);
 * ```
 */
export async function mapWith<T, R>(
  run: NurseryRunner,
  items: Iterable<T> | AsyncIterable<T>,
  fn: (item: T, context: MapContext) => R | PromiseLike<R>,
  options: NurseryMapOptions = {},
): Promise<R[]> {
  checkPipelineArguments(run, items, fn, options, "map items");
  const { concurrency = Infinity, signal } = options;
  // Unordered underneath: a slow first item must not hold the pool's slots.
  const pipeline = new Pipeline(run, items, fn, {
    concurrency,
    ordered: false,
    signal,
    name: "map",
  });
  const results: R[] = [];
  for (let next = await pipeline.take(); next; next = await pipeline.take()) {
    results[next.index] = next.value;
  }
  return results;
}
