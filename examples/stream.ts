// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `Nursery.stream`: results as they complete. Load pages three at a time,
 * handle each as it arrives, and stop at the first one that has the answer:
 * `break` cancels the pages still loading and waits for them.
 *
 * @module
 */
import { Nursery } from "../mod.ts";
import { work } from "./_work.ts";

const latency: Record<string, number> = {
  "/a": 60,
  "/b": 10,
  "/c": 30,
  "/d": 45,
  "/e": 10,
};

/** Returns the pages in the order they arrived, up to the one with the answer. */
export async function main(): Promise<string[]> {
  const arrived: string[] = [];
  const pages = Nursery.stream(
    Object.keys(latency),
    (path, { signal }) =>
      work(latency[path], { path, answer: path === "/c" }, { signal }),
    { concurrency: 3 },
  );
  for await (const page of pages) {
    arrived.push(page.path);
    if (page.answer) break; // "/a" and "/d" are still loading: cancelled
  }
  return arrived;
}

if (import.meta.main) console.log(await main());
