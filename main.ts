// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode main}: a whole program as one nursery, which Ctrl-C cancels.
 *
 * @module
 */
import type { Nursery } from "./nursery.ts";
import type { NurseryRunOptions } from "./types.ts";
import { currentHost } from "./_host.ts";
import { runProgram } from "./_program.ts";

/**
 * Options for {@linkcode main}: those of `Nursery.run`, for the program's
 * root nursery.
 *
 * @example A named program with a deadline
 * ```ts
 * import { main, type MainOptions } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const options: MainOptions = { name: "import-job", timeout: 60_000 };
 * let seen = "";
 * assertEquals(await main((nursery) => { seen = nursery.name; }, options), 0);
 * assertEquals(seen, "import-job");
 * ```
 */
export interface MainOptions extends NurseryRunOptions {
  /**
   * The root nursery's name, as `dumpTasks()` and error messages show it.
   *
   * @default {body.name || "main"}
   */
  name?: string;
}

/**
 * Runs `body` as the root nursery of a program, as `Nursery.run` does, and
 * ends the program the way a command-line tool should.
 *
 * - **Ctrl-C (SIGINT) or SIGTERM** cancels the nursery (its tasks' signals
 *   abort with a `Cancelled`, as for any outer signal) and says so on
 *   stderr; once every task has ended, the program exits with 130 (SIGINT)
 *   or 143 (SIGTERM), the status a shell reports for a process the signal
 *   killed, even if something outside the nursery would keep it alive.
 * - **A second one** prints `dumpTasks()`, the tasks the cancellation is
 *   still waiting for, to stderr, and exits at once with that status.
 * - **A failure** is printed to stderr with its stack (for a `MultiError`,
 *   every child's), and the exit code is set to 1.
 * - **Success** leaves the exit code alone (0), and prints nothing: the
 *   body's value is not output.
 *
 * It listens with `Deno.addSignalListener` on Deno and `process.on` on Node
 * and Bun, and removes its listeners when it ends. Where neither exists (a
 * browser) it runs the body without signals and exit codes, and still
 * prints a failure.
 *
 * @typeParam T The body's result.
 * @param body The program's root task; it receives the nursery.
 * @param options The root nursery's options, as for `Nursery.run`.
 * @returns The exit status: 0 for success, 1 for a failure. After a signal
 * it never settles: the program exits.
 * @throws {TypeError} (as a rejection, before the body runs) If `body` is not
 * a function or an option has the wrong type.
 * @throws {RangeError} (as a rejection) If a number option is out of range.
 *
 * @example A program that runs until its work is done, or until Ctrl-C
 * ```ts
 * import { main } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals } from "@std/assert";
 *
 * const log: string[] = [];
 * const status = await main(async (nursery) => {
 *   nursery.startSoon(async function poll({ signal }) {
 *     try {
 *       await delay(10, { signal }); // Ctrl-C would abort this...
 *       log.push("polled");
 *     } finally {
 *       log.push("poll: closed"); // ...and this would still run
 *     }
 *   });
 * });
 * assertEquals(status, 0);
 * assertEquals(log, ["polled", "poll: closed"]);
 * ```
 */
export function main<T>(
  body: (nursery: Nursery) => T | PromiseLike<T>,
  options: MainOptions = {},
): Promise<number> {
  return runProgram(body, options, currentHost());
}
