// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Timeouts that cancel: `failAfter` around a whole nursery, and
 * `moveOnAfter` for "use it if it comes in time".
 *
 * @module
 */
import { failAfter, moveOnAfter, Nursery } from "../mod.ts";
import { work } from "./_work.ts";

/** Crawls with a deadline, then reads a cache that is too slow. */
export async function main(): Promise<unknown> {
  const crawl = await failAfter(200, ({ signal }) =>
    Nursery.run((n) => {
      n.startSoon((ctx) => work(20, "page a", ctx));
      n.startSoon((ctx) => work(5_000, "page b", ctx));
    }, { signal })).catch((error) => `crawl: ${error.name}`);
  const cached = await moveOnAfter(
    20,
    ({ signal }) => work(1_000, "cached value", { signal }),
  );
  return { crawl, cached: cached ?? "cache too slow: computed instead" };
}

if (import.meta.main) console.log(await main());
