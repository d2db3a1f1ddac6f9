// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * "First result cancels the rest": ask three mirrors, keep the fastest
 * answer, cancel the others. `run` resolves once they have all stopped.
 *
 * @module
 */
import { Nursery } from "../mod.ts";
import { work } from "./_work.ts";

/** Returns the fastest mirror's reply and how the others ended. */
export async function main(): Promise<unknown> {
  const mirrors = [["eu", 30], ["us", 10], ["asia", 50]] as const;
  const handles = await Nursery.run(async (nursery) => {
    const replies = mirrors.map(([name, ms]) =>
      nursery.startSoon((ctx) => work(ms, `reply from ${name}`, ctx), { name })
    );
    const first = await Promise.any(replies);
    nursery.cancel(); // the slower mirrors are cancelled; run still resolves
    return { first, replies };
  });
  return {
    first: handles.first,
    statuses: handles.replies.map((task) => `${task.name}: ${task.status}`),
  };
}

if (import.meta.main) console.log(await main());
