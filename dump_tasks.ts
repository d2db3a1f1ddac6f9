// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode dumpTasks}: the live tasks of the whole process, as text.
 *
 * @module
 */
import { renderTree } from "./_render.ts";
import { liveRoots } from "./_roots.ts";
import type { TaskHandle } from "./_task.ts";

/**
 * The live tree of every root nursery in the process, as text: one line per
 * nursery and task, with its status and age, and for a cancelling nursery
 * how long ago it was cancelled and why. Wire it to a signal to see a hang
 * that nobody cancelled, which the slow-cancel report cannot see:
 * `Deno.addSignalListener("SIGUSR2", () => console.error(dumpTasks()))`
 * (SIGUSR2: Node reserves SIGUSR1 for its debugger).
 *
 * @returns The trees, one after the other; empty when no nursery is open.
 *
 * @example Seeing what runs
 * ```ts
 * import { dumpTasks, Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const dump = await Nursery.run(function server(nursery) {
 *   nursery.startSoon(function accept({ signal }) {
 *     return new Promise((resolve) => signal.addEventListener("abort", resolve));
 *   });
 *   const dump = dumpTasks().replace(/\d+ms/g, "_ms");
 *   nursery.cancel();
 *   return dump;
 * });
 * assertEquals(dump, [
 *   'nursery "server" open _ms',
 *   '  body "server" running _ms',
 *   '  task "accept" running _ms',
 * ].join("\n"));
 * assertEquals(dumpTasks(), "");
 * ```
 */
export function dumpTasks(): string {
  const now = Date.now();
  return [...liveRoots].map((root) =>
    renderTree(root as TaskHandle<unknown>, now)
  ).join("\n");
}
