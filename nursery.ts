// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode Nursery}: a scope that owns concurrent tasks.
 *
 * ## Invariants
 *
 * - `run` settles only after the body and every child have settled. Nothing a
 *   nursery started outlives it, so when `run` settles it is closed, and
 *   `startSoon` on it throws `NurseryClosedError`.
 * - Cancellation happens at most once, with one reason: the first failure
 *   (wrapped in a new `Cancelled`), the reason given to `cancel()`, or the
 *   outer signal's reason, whichever comes first. Every task's signal, the
 *   body's included, is aborted with that reason; shielded tasks excepted.
 * - Every failure is recorded once (by identity), when its task settles. A
 *   rejection is a cancellation, not a failure, only if the task's own signal
 *   was aborted first (see `_is_cancellation.ts`).
 * - The nursery holds one listener on the outer signal, removed when it
 *   closes, and aborts its children itself by walking a `Set`: children never
 *   listen on a shared signal, which would make cancellation O(N²).
 * - Bookkeeping is registered before user code runs, so a task that throws or
 *   finishes inside `startSoon` is an ordinary outcome.
 *
 * @module
 */
import { Cancelled, NurseryClosedError } from "./errors.ts";
import { MultiError } from "./multi_error.ts";
import { labelFailure } from "./_failure_labels.ts";
import { TaskContextImpl, TaskHandle } from "./_task.ts";
import type { Task, TaskFunction } from "./task.ts";
import {
  checkBoolean,
  checkFunction,
  checkName,
  checkOptions,
  checkSignal,
} from "./_validate.ts";

/** Options for {@linkcode Nursery.run}. */
export interface NurseryRunOptions {
  /**
   * Outer cancellation: when it aborts, every task is cancelled and `run`
   * rejects with its reason, unchanged.
   */
  signal?: AbortSignal;
  /**
   * The nursery's name, for error messages.
   *
   * @default {body.name || "nursery"}
   */
  name?: string;
  /**
   * Always reject with a `MultiError`, even for a single failure, so that
   * callers handle one shape.
   *
   * @default {false}
   */
  strict?: boolean;
}

/** Options for {@linkcode Nursery.prototype.startSoon}. */
export interface StartSoonOptions {
  /**
   * The task's name, shown in errors.
   *
   * @default {fn.name || "task"}
   */
  name?: string;
}

/**
 * A scope that owns concurrent tasks (trio's nursery, asyncio's TaskGroup).
 *
 * {@linkcode Nursery.run} calls the body with the nursery; the body starts
 * children with {@linkcode Nursery.prototype.startSoon}. `run` settles only
 * when the body and every child have settled. If any task fails, the nursery
 * cancels all the others (aborting their signals), waits for them, and
 * rejects: one failure as itself, several as one {@linkcode MultiError}.
 *
 * @example Joining children at the end of the scope
 * ```ts
 * import { Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const done: string[] = [];
 * const value = await Nursery.run((nursery) => {
 *   nursery.startSoon(async () => {
 *     await Promise.resolve();
 *     done.push("a");
 *   });
 *   nursery.startSoon(() => {
 *     done.push("b");
 *   });
 *   return 42;
 * });
 * assertEquals(value, 42);
 * assertEquals(done.sort(), ["a", "b"]);
 * ```
 */
export class Nursery {
  readonly #name: string;
  readonly #strict: boolean;
  readonly #children = new Set<TaskHandle<unknown>>();
  readonly #onTaskSettled = (task: TaskHandle<unknown>) =>
    this.#taskSettled(task);
  #body!: TaskHandle<unknown>;
  // A Set keeps insertion order and makes the identity dedupe O(1).
  readonly #failures = new Set<unknown>();
  #cancelled = false;
  #cancelReason: unknown;
  #outerSignal: AbortSignal | undefined;
  #outerAborted = false;
  #outerReason: unknown;
  #closed = false;
  #resolveRun!: (value: unknown) => void;
  #rejectRun!: (error: unknown) => void;

  private constructor(name: string, strict: boolean) {
    this.#name = name;
    this.#strict = strict;
  }

  /**
   * Runs `body` as the first task of a new nursery and settles when it and
   * every task it started have settled.
   *
   * Resolves with the body's value. Rejects with the failure if one task
   * failed, a {@linkcode MultiError} if several did (or always, with
   * `strict`), the outer signal's reason if it aborted, or the nursery's own
   * cancellation reason if the body itself was cancelled.
   *
   * @typeParam T The body's result.
   * @param body The nursery's first task; it receives the nursery.
   * @param options Outer signal, name and error shape.
   * @returns The body's value, once everything has finished.
   * @throws {TypeError} (as a rejection, before the body runs) If `body` is
   * not a function or an option has the wrong type.
   *
   * @example First result cancels the rest
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { delay } from "@std/async";
   * import { assertEquals } from "@std/assert";
   *
   * const winner = await Nursery.run(async (nursery) => {
   *   const fast = nursery.startSoon((ctx) => delay(10, ctx).then(() => "fast"));
   *   nursery.startSoon((ctx) => delay(10_000, ctx).then(() => "slow"));
   *   const value = await fast;
   *   nursery.cancel(); // the slow one is cancelled; run still resolves
   *   return value;
   * });
   * assertEquals(winner, "fast");
   * ```
   */
  static run<T>(
    body: (nursery: Nursery) => T | PromiseLike<T>,
    options: NurseryRunOptions = {},
  ): Promise<T> {
    try {
      checkFunction(body, "run nursery", "body");
      checkOptions(options, "run nursery");
      checkSignal(options.signal, "run nursery");
      checkName(options.name, "run nursery");
      checkBoolean(options.strict, "run nursery", "options.strict");
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal, name = body.name || "nursery", strict = false } = options;
    return new Promise<T>((resolve, reject) => {
      const nursery = new Nursery(name, strict);
      nursery.#resolveRun = resolve as (value: unknown) => void;
      nursery.#rejectRun = reject;
      nursery.#open(body, signal);
    });
  }

  /** The nursery's name, given or derived from the body function's name. */
  get name(): string {
    return this.#name;
  }

  /** The body's signal: aborted when the nursery is cancelled. */
  get signal(): AbortSignal {
    return this.#body.signal;
  }

  /** Whether the nursery has been cancelled (by a failure, `cancel()` or its outer signal). */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Whether the nursery has finished; a closed nursery starts no tasks. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The children that have not settled yet (the body excluded). */
  get tasks(): Task<unknown>[] {
    return [...this.#children];
  }

  /**
   * Starts `fn` as a child task and returns its handle.
   *
   * `fn` is called before `startSoon` returns, and runs up to its first
   * `await`. A synchronous throw is the task's failure, not an exception
   * here. In a cancelled nursery, `fn` is still called, with an aborted
   * signal, so that its cleanup runs.
   *
   * @typeParam T The task's result.
   * @param fn The task; it receives `{ signal, name }`.
   * @param options The task's name.
   * @returns A handle to await the task's result or to cancel it.
   * @throws {NurseryClosedError} If the nursery has finished.
   * @throws {TypeError} If `fn` is not a function or `options.name` not a string.
   *
   * @example Awaiting a child's result
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { assertEquals } from "@std/assert";
   *
   * const sum = await Nursery.run(async (nursery) => {
   *   const a = nursery.startSoon(async () => 1);
   *   const b = nursery.startSoon(async () => 2, { name: "two" });
   *   const [x, y] = await Promise.all([a, b]);
   *   return x + y;
   * });
   * assertEquals(sum, 3);
   * ```
   */
  startSoon<T>(fn: TaskFunction<T>, options?: StartSoonOptions): Task<T> {
    checkFunction(fn, "start task", "fn");
    checkOptions(options, "start task");
    checkName(options?.name, "start task");
    if (this.#closed) {
      throw new NurseryClosedError(
        `Cannot start task: nursery "${this.#name}" is closed`,
      );
    }
    const name = options?.name ?? (fn.name || "task");
    const task = new TaskHandle<T>(name, false, this.#onTaskSettled);
    this.#children.add(task as TaskHandle<unknown>);
    if (this.#cancelled) task.cancel(this.#cancelReason);
    task.begin(fn, new TaskContextImpl(task as TaskHandle<unknown>));
    return task;
  }

  /**
   * Cancels every task of the nursery, the body included, by aborting their
   * signals with `reason` (a new {@linkcode Cancelled} if none is given).
   * A second call changes nothing. If the body had already returned, `run`
   * still resolves with its value; if the body itself was cancelled, `run`
   * rejects with the reason.
   *
   * @param reason Why; used as it is, never wrapped.
   *
   * @example Cancelling a nursery from its body
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { assertEquals, assertRejects } from "@std/assert";
   *
   * const reason = new Error("enough");
   * const error = await assertRejects(() =>
   *   Nursery.run((nursery) => {
   *     nursery.cancel(reason);
   *     nursery.signal.throwIfAborted();
   *   })
   * );
   * assertEquals(error, reason);
   * ```
   */
  cancel(reason?: unknown): void {
    this.#cancel(
      reason === undefined
        ? new Cancelled(`Nursery "${this.#name}" was cancelled`)
        : reason,
    );
  }

  #open(
    body: (nursery: Nursery) => unknown,
    signal: AbortSignal | undefined,
  ): void {
    this.#body = new TaskHandle(this.#name, false, this.#onTaskSettled);
    if (signal !== undefined) {
      this.#outerSignal = signal;
      if (signal.aborted) this.#outerAbort();
      else signal.addEventListener("abort", this.#outerAbort);
    }
    this.#body.begin(body, this);
  }

  // One listener on the outer signal, whatever the number of tasks.
  #outerAbort = (): void => {
    this.#outerAborted = true;
    this.#outerReason = this.#outerSignal!.reason;
    this.#cancel(this.#outerReason);
  };

  #cancel(reason: unknown): void {
    if (this.#cancelled || this.#closed) return;
    this.#cancelled = true;
    this.#cancelReason = reason;
    this.#body.cancel(reason);
    for (const child of this.#children) {
      if (!child.shielded) child.cancel(reason);
    }
  }

  #taskSettled(task: TaskHandle<unknown>): void {
    if (task !== this.#body) this.#children.delete(task);
    if (task.status === "rejected") this.#fail(task.outcome, task.name);
    if (!this.#body.live && this.#children.size === 0) this.#close();
  }

  #fail(error: unknown, taskName: string): void {
    // The body awaiting a failed child rethrows the same error: report it once.
    if (this.#failures.has(error)) return;
    this.#failures.add(error);
    labelFailure(error, taskName);
    this.#cancel(
      new Cancelled(
        `Nursery "${this.#name}" was cancelled because task "${taskName}" failed`,
        { cause: error },
      ),
    );
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outerSignal?.removeEventListener("abort", this.#outerAbort);
    const failures = this.#failures;
    if (failures.size > 0) {
      this.#rejectRun(
        failures.size === 1 && !this.#strict
          ? failures.values().next().value
          : new MultiError(failures),
      );
    } else if (this.#outerAborted) {
      this.#rejectRun(this.#outerReason);
    } else if (this.#body.status === "fulfilled") {
      this.#resolveRun(this.#body.outcome);
    } else {
      this.#rejectRun(this.#cancelReason);
    }
  }
}
