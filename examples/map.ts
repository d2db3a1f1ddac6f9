// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `Nursery.map`: a structured pool. Results in input order, at most
 * `concurrency` at once, and nothing left running after a failure.
 *
 * @module
 */
import { Nursery } from "../mod.ts";
import { work } from "./_work.ts";

/** Resizes images three at a time. */
export function main(): Promise<string[]> {
  const images = ["a.png", "b.png", "c.png", "d.png", "e.png"];
  return Nursery.map(
    images,
    (name, { signal, index }) =>
      work(10 * (5 - index), `small-${name}`, { signal }),
    { concurrency: 3 },
  );
}

if (import.meta.main) console.log(await main());
