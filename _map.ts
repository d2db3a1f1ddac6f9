// Copyright 2026 the @nursery/nursery authors. MIT license.
// Nursery.map's implementation. It takes the nursery runner as a parameter,
// so that nursery.ts may call it without an import cycle.
import type {
  MapContext,
  NurseryMapOptions,
  NurseryRunOptions,
  TaskFunction,
} from "./types.ts";
import { checkConcurrency, checkFunction, checkOptions } from "./_validate.ts";

/** What mapItems needs of a nursery. */
interface Starter {
  startSoon(fn: TaskFunction<unknown>, options?: { name?: string }): unknown;
}

/** What mapItems needs of `Nursery.run`. */
type Run = <T>(
  body: (nursery: Starter) => T | PromiseLike<T>,
  options?: NurseryRunOptions,
) => Promise<T>;

/** See `Nursery.map`. */
export function mapItems<T, R>(
  run: Run,
  items: Iterable<T>,
  fn: (item: T, context: MapContext) => R | PromiseLike<R>,
  options: NurseryMapOptions,
): Promise<R[]> {
  try {
    if (typeof (items as Iterable<T>)?.[Symbol.iterator] !== "function") {
      throw new TypeError(
        "Cannot map items as 'items' must be iterable: received " +
          (items === null ? "null" : typeof items),
      );
    }
    checkFunction(fn, "map items", "fn");
    checkOptions(options, "map items");
    checkConcurrency(options.concurrency, "map items");
  } catch (error) {
    return Promise.reject(error);
  }
  const { concurrency = Infinity, signal } = options;
  return run((nursery) => {
    const results: R[] = [];
    const iterator = items[Symbol.iterator]();
    let index = 0;
    const pull = () => {
      const next = iterator.next();
      return next.done ? undefined : { item: next.value, at: index++ };
    };
    // Each worker starts with one item and pulls more as it finishes, so
    // the input is read lazily and at most `concurrency` calls are in flight.
    const work = async (
      first: { item: T; at: number },
      signal: AbortSignal,
    ) => {
      for (let job: typeof first | undefined = first; job;) {
        results[job.at] = await fn(job.item, { signal, index: job.at });
        job = signal.aborted ? undefined : pull();
      }
    };
    for (let workers = 0; workers < concurrency; workers++) {
      const job = pull();
      if (job === undefined) break;
      nursery.startSoon(({ signal }) => work(job, signal), {
        name: `map[${job.at}]`,
      });
    }
    return results;
  }, { signal, name: "map" });
}
