// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Finds out what this runtime lacks, by asking the installed package itself
 * rather than guessing from the runtime's name: the implicit tree is there
 * when a task's code still sees its scope after an `await`.
 *
 * @module
 */
import { currentSignal, Nursery } from "@nursery/nursery";
import type { Lack } from "../skips.ts";

/** What this runtime lacks, of what some tests need. */
export async function detectLacks(): Promise<Lack[]> {
  const linked = await Nursery.run(async (nursery) => {
    const seen = await nursery.startSoon(async () => {
      await Promise.resolve();
      return currentSignal();
    });
    return seen === nursery.signal;
  });
  return linked ? [] : ["implicit tree"];
}
