// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Structured concurrency for JavaScript, after trio's nurseries.
 *
 * A {@linkcode Nursery} is a scope that owns tasks. Three rules:
 *
 * 1. **The scope joins its children.** `Nursery.run` settles only when its
 *    body and every task it started have settled.
 * 2. **One failure cancels all.** When a task fails, the nursery aborts every
 *    other task's `signal`, waits for them, and rejects.
 * 3. **Errors are never lost.** One failure is re-raised as itself, several as
 *    one {@linkcode MultiError}.
 *
 * Cancellation is cooperative, through `AbortSignal`: each task receives
 * `{ signal, name }`, which `fetch`, `delay` from `@std/async` and most
 * libraries accept as they are.
 *
 * The rest of the toolkit:
 *
 * - {@linkcode shield}: work that must finish even when its nursery is
 *   cancelled (the payment, not the SMS), optionally time-bounded.
 * - {@linkcode failAfter}, {@linkcode moveOnAfter}, {@linkcode failAt},
 *   {@linkcode moveOnAt}: timeouts that cancel the work, not just stop
 *   waiting for it; `Nursery.run(body, { timeout })` for a whole nursery.
 * - `nursery.start()`: wait until a child is ready (a server listens).
 * - `Nursery.run(body, { concurrency })` and `Nursery.map`: limits and a
 *   structured pool.
 * - Tasks form a tree: nurseries and timeouts opened without a `signal` link
 *   to the scope they run in; {@linkcode currentSignal}, `Nursery.current()`,
 *   `nursery.tree()` and a report of tasks that ignore their cancellation.
 * - {@linkcode MultiError}: several failures as one, with `from` and `split`.
 * - {@linkcode main}: a program as one nursery; Ctrl-C cancels it, a second
 *   Ctrl-C prints {@linkcode dumpTasks} and exits.
 *
 * @example A tour
 * ```ts
 * import { Nursery } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals, assertRejects } from "@std/assert";
 *
 * // The scope waits for its children, and their handles give results.
 * const total = await Nursery.run(async (nursery) => {
 *   const a = nursery.startSoon(async (ctx) => {
 *     await delay(5, ctx);
 *     return 1;
 *   });
 *   const b = nursery.startSoon(async () => 2);
 *   return (await a) + (await b);
 * });
 * assertEquals(total, 3);
 *
 * // A failure cancels the siblings, and is re-raised as itself.
 * let siblingSaw: unknown;
 * const error = await assertRejects(() =>
 *   Nursery.run((nursery) => {
 *     nursery.startSoon(async (ctx) => {
 *       try {
 *         await delay(60_000, ctx);
 *       } catch (reason) {
 *         siblingSaw = reason;
 *         throw reason;
 *       }
 *     });
 *     nursery.startSoon(() => {
 *       throw new Error("payment declined");
 *     });
 *   }), Error);
 * assertEquals(error.message, "payment declined");
 * assertEquals((siblingSaw as Error).name, "AbortError");
 * ```
 *
 * @module
 */
export * from "./nursery.ts";
export * from "./types.ts";
export * from "./multi_error.ts";
export * from "./errors.ts";
export * from "./shield.ts";
export * from "./timeout.ts";
export * from "./current_signal.ts";
export * from "./dump_tasks.ts";
export * from "./instrument.ts";
export * from "./implicit_tree.ts";
export * from "./main.ts";
// The patterns' public face is Nursery.stream, Nursery.any and Nursery.map;
// their runner-taking forms stay in the subpath exports.
export type { NurseryStreamOptions, StreamContext } from "./stream.ts";
export type { AnyContext, Contender, NurseryAnyOptions } from "./any.ts";
export type { MapContext, NurseryMapOptions } from "./map.ts";
export type { NurseryRunner } from "./_runner.ts";
