// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The types of a nursery's tasks: what a task function receives, and the
 * handle that `startSoon` returns.
 *
 * @module
 */

import type { Nursery } from "./nursery.ts";

/**
 * Where a task is in its life.
 *
 * - `queued`: waiting for a free slot under a nursery's `concurrency` limit.
 * - `running`: its function has been called and has not settled.
 * - `fulfilled`: it returned a value.
 * - `rejected`: it failed; the nursery reports the error.
 * - `cancelled`: it ended because it was cancelled; the nursery reports nothing.
 *
 * @example Watching a task's life
 * ```ts
 * import { Nursery, type TaskStatus } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const seen: TaskStatus[] = [];
 * await Nursery.run(async (nursery) => {
 *   const task = nursery.startSoon(() => Promise.resolve("done"));
 *   seen.push(task.status);
 *   await task;
 *   seen.push(task.status);
 * });
 * assertEquals(seen, ["running", "fulfilled"]);
 * ```
 */
export type TaskStatus =
  | "queued"
  | "running"
  | "fulfilled"
  | "rejected"
  | "cancelled";

/**
 * What a task function receives. It has the shape of `{ signal }` options, so
 * `fetch(url, context)` and `delay(ms, context)` honour the task's
 * cancellation as they are.
 *
 * @example Passing the context to APIs that take `{ signal }`
 * ```ts
 * import { Nursery, type TaskContext } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals } from "@std/assert";
 *
 * async function poll(ctx: TaskContext): Promise<string> {
 *   await delay(5, ctx); // delay(ms, { signal }) takes the context as it is
 *   return ctx.name;
 * }
 * assertEquals(await Nursery.run((n) => n.startSoon(poll)), "poll");
 * ```
 */
export interface TaskContext {
  /** Aborted when the task is cancelled; its `reason` says why. */
  readonly signal: AbortSignal;
  /** The task's name, given or derived from its function's name. */
  readonly name: string;
}

/**
 * A function a nursery runs as a task.
 *
 * @typeParam T The task's result.
 *
 * @example Typing a reusable task
 * ```ts
 * import { Nursery, type TaskFunction } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const answer: TaskFunction<number> = async ({ signal }) => {
 *   signal.throwIfAborted();
 *   return 42;
 * };
 * assertEquals(await Nursery.run((n) => n.startSoon(answer)), 42);
 * ```
 */
export type TaskFunction<T> = (context: TaskContext) => T | PromiseLike<T>;

/**
 * A handle on a running task. Awaiting it gives the task's value, or rejects
 * with its error or its cancellation reason. A handle that nobody awaits never
 * causes an unhandled rejection: the nursery owns the task's failure.
 *
 * @typeParam T The task's result.
 *
 * @example Awaiting and cancelling handles
 * ```ts
 * import { Nursery, type Task } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals } from "@std/assert";
 *
 * await Nursery.run(async (nursery) => {
 *   const fast: Task<string> = nursery.startSoon(async () => "fast");
 *   const slow = nursery.startSoon((ctx) => delay(60_000, ctx));
 *   slow.cancel(); // this task only; a cancellation, not a failure
 *   assertEquals(await fast, "fast");
 *   await slow.catch(() => {});
 *   assertEquals(slow.status, "cancelled");
 * });
 * ```
 */
export interface Task<T> extends PromiseLike<T> {
  /** The task's name, given or derived from its function's name. */
  readonly name: string;
  /** The nursery the task belongs to. */
  readonly parent: Nursery;
  /** The signal the task's function sees. */
  readonly signal: AbortSignal;
  /** Where the task is in its life. */
  readonly status: TaskStatus;
  /**
   * Cancels this task only: aborts its signal with `reason` (a new
   * `Cancelled` if none is given). Does nothing once the task has settled or
   * was already cancelled.
   */
  cancel(reason?: unknown): void;
  /** As `Promise.prototype.catch`: handles the task's rejection. */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<T | R>;
  /** As `Promise.prototype.finally`: runs once the task has settled. */
  finally(onfinally?: (() => void) | null): Promise<T>;
}
