// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * "First result cancels the rest": ask three mirrors, keep the first answer,
 * cancel the others. `Nursery.any` resolves once they have all stopped, and a
 * mirror that fails ends only itself.
 *
 * @module
 */
import { Nursery } from "../mod.ts";
import { work } from "./_work.ts";

/** Returns the first mirror's reply and which mirrors were cancelled. */
export async function main(): Promise<{ first: string; cancelled: string[] }> {
  const mirrors = [["eu", 5], ["us", 10], ["asia", 50]] as const;
  const cancelled: string[] = [];
  const first = await Nursery.any(
    mirrors.map(([name, ms]) => async ({ signal }: { signal: AbortSignal }) => {
      const reply = await work(ms, `reply from ${name}`, { signal }).catch(
        (reason) => {
          cancelled.push(name);
          throw reason;
        },
      );
      if (name === "eu") throw new Error("eu is down"); // ends only this one
      return reply;
    }),
  );
  return { first, cancelled };
}

if (import.meta.main) console.log(await main());
