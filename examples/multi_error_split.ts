// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `MultiError` with `strict`: handle one kind of failure (timeouts) and
 * re-throw the rest, as Python's `except*` does.
 *
 * @module
 */
import { moveOnAfter, MultiError, Nursery } from "../mod.ts";
import { work } from "./_work.ts";

/**
 * Runs three backends; two are slow. The first timeout fails the nursery,
 * which cancels the other slow call (a cancellation, not a failure), so
 * `strict` gives a MultiError of one: handled by `split`.
 */
export async function main(): Promise<string> {
  try {
    await Nursery.run((n) => {
      n.startSoon(() => work(5, "ok"));
      for (const name of ["search", "ads"]) {
        n.startSoon(async () => {
          const result = await moveOnAfter(
            10,
            ({ signal }) => work(1_000, name, { signal }),
          );
          if (result === undefined) {
            throw new DOMException(`${name} timed out`, "TimeoutError");
          }
        }, { name });
      }
    }, { strict: true });
    return "all answered";
  } catch (error) {
    if (!(error instanceof MultiError)) throw error;
    const [timeouts, rest] = error.split((e) =>
      (e as Error).name === "TimeoutError"
    );
    if (rest !== undefined) throw rest;
    return `handled: ${(timeouts as Error).message}`;
  }
}

if (import.meta.main) console.log(await main());
