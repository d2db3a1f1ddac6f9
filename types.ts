// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The public types of nurseries and their tasks: options, what a task
 * function receives, the handle that `startSoon` returns, and the reports a
 * nursery gives. The `Nursery` class itself is in `nursery.ts`; what a task
 * handle tells of its nursery is {@linkcode NurseryScope}, the class's
 * public face, so that this file depends on nothing.
 *
 * @module
 */
import type { CancelOrigin } from "./errors.ts";

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
  readonly parent: NurseryScope;
  /** The signal the task's function sees. */
  readonly signal: AbortSignal;
  /** Where the task is in its life. */
  readonly status: TaskStatus;
  /**
   * Once settled: the value (`fulfilled`), the error (`rejected`) or what it
   * ended with (`cancelled`); `undefined` before.
   */
  readonly outcome: unknown;
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

/**
 * Options for {@linkcode Nursery.run}.
 *
 * @example Bounding a nursery and limiting it
 * ```ts
 * import { Nursery, type NurseryRunOptions } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const options: NurseryRunOptions = { name: "import", concurrency: 2, timeout: 5_000 };
 * const done = await Nursery.run((nursery) => {
 *   for (let i = 0; i < 5; i++) nursery.startSoon(() => Promise.resolve(i));
 *   return nursery.name;
 * }, options);
 * assertEquals(done, "import");
 * ```
 */
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
  /**
   * At most this many children run at once; further ones wait, in order, with
   * status `queued`. A positive integer or `Infinity`.
   *
   * @default {Infinity}
   */
  concurrency?: number;
  /**
   * Bounds the whole nursery, as wrapping it in `failAfter(timeout, ...)`
   * does: when it passes, every task is cancelled and `run` rejects with a
   * `TimeoutError`.
   *
   * @default {Infinity}
   */
  timeout?: number;
  /**
   * How long a cancellation may take before the nursery reports the tasks it
   * is still waiting for (tasks that ignore their signal), once, through
   * `onSlowCancel`. It keeps waiting: nothing is abandoned.
   *
   * @default {5000}
   */
  slowCancelAfter?: number;
  /**
   * Receives the slow-cancellation report.
   *
   * @default {a function that writes one console.warn}
   */
  onSlowCancel?: (report: SlowCancelReport) => void;
  /**
   * Whether each child is its own cancel scope: what a child opens without a
   * signal (a nursery, a timeout, `currentSignal()`) belongs to that child,
   * so `task.cancel()` reaches it. `false` opts this nursery and its
   * descendants out, for hot fan-outs of trivial tasks: children then share
   * the body's scope, which saves one `AsyncLocalStorage.run` per child;
   * cancelling the nursery still reaches everything, but `task.cancel()` on
   * one child reaches only what it passed its signal to. Shielded tasks
   * always have their own scope.
   *
   * @default {the enclosing nursery's setting, else true}
   */
  taskScopes?: boolean;
  /**
   * Whether a child's failure cancels the nursery. With `false`, the nursery
   * waits for every task and then reports all failures by the usual rules;
   * the body's own failure still cancels everything.
   *
   * @default {true}
   */
  failFast?: boolean;
  /**
   * Receives each child's failure instead of the nursery keeping it: the
   * failure cancels nothing and is not part of what `run` settles with. If
   * the function throws, that error is the nursery's failure.
   *
   * @default {undefined: the nursery keeps failures}
   */
  onTaskError?: (error: unknown, task: Task<unknown>) => void;
}

/**
 * A task a cancelled nursery is still waiting for, with where it sits.
 *
 * @example Reading a slow-cancellation report
 * ```ts
 * import { Nursery, type StuckTask } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * let stuck: readonly StuckTask[] = [];
 * let release = () => {};
 * await Nursery.run((nursery) => {
 *   nursery.startSoon(() => new Promise<void>((resolve) => release = resolve), {
 *     name: "ignores-signal",
 *   });
 *   nursery.cancel();
 * }, {
 *   name: "root",
 *   slowCancelAfter: 10,
 *   onSlowCancel: (report) => {
 *     stuck = report.stuck;
 *     release();
 *   },
 * });
 * assertEquals(stuck.map((s) => s.path.join(" > ")), ["root > ignores-signal"]);
 * ```
 */
export interface StuckTask {
  /** The task. */
  readonly task: Task<unknown>;
  /** Names from the reporting nursery down to the task, both included. */
  readonly path: readonly string[];
}

/**
 * What `onSlowCancel` receives.
 *
 * @example Logging slow cancellations your own way
 * ```ts
 * import { Nursery, type SlowCancelReport } from "@nursery/nursery";
 * import { assert } from "@std/assert";
 *
 * const reports: SlowCancelReport[] = [];
 * let release = () => {};
 * await Nursery.run((nursery) => {
 *   nursery.startSoon(() => new Promise<void>((resolve) => release = resolve));
 *   nursery.cancel();
 * }, {
 *   slowCancelAfter: 10,
 *   onSlowCancel: (report) => {
 *     reports.push(report);
 *     release();
 *   },
 * });
 * assert(reports[0].message.includes("still waits for 1 task(s)"));
 * ```
 */
export interface SlowCancelReport {
  /** The nursery whose cancellation is slow. */
  readonly nursery: NurseryScope;
  /** Milliseconds since the cancellation began. */
  readonly elapsed: number;
  /** The deepest tasks it is still waiting for. */
  readonly stuck: readonly StuckTask[];
  /** One line that says the above: 10 paths (those no earlier report named first), and how many more. */
  readonly message: string;
}

/**
 * What a task started with {@linkcode Nursery.prototype.start} receives.
 *
 * @example A typed readiness handshake
 * ```ts
 * import { Nursery, type StartContext } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * async function listener({ started }: StartContext<{ port: number }>) {
 *   started({ port: 8080 });
 * }
 * assertEquals(await Nursery.run((n) => n.start(listener)), { port: 8080 });
 * ```
 */
export interface StartContext<V> extends TaskContext {
  /**
   * Says the task is ready: `start()` resolves with `value`, and the task
   * goes on as an ordinary child. Throws if called twice.
   */
  readonly started: (value: V) => void;
}

/**
 * Options for {@linkcode Nursery.prototype.startSoon}.
 *
 * @example Naming a task
 * ```ts
 * import { Nursery, type StartSoonOptions } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const options: StartSoonOptions = { name: "fetch-user" };
 * const name = await Nursery.run((n) => n.startSoon(({ name }) => name, options));
 * assertEquals(name, "fetch-user");
 * ```
 */
export interface StartSoonOptions {
  /**
   * The task's name, shown in errors.
   *
   * @default {fn.name || "task"}
   */
  name?: string;
}

/**
 * Where a nursery is in its life: `open` (running, not cancelled),
 * `cancelling` (cancelled, waiting for its tasks to end), `closed` (done).
 *
 * @example Watching a nursery's life
 * ```ts
 * import { Nursery, type NurseryState } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const seen: NurseryState[] = [];
 * let escaped: Nursery | undefined;
 * await Nursery.run((nursery) => {
 *   escaped = nursery;
 *   seen.push(nursery.state);
 *   nursery.cancel();
 *   seen.push(nursery.state);
 * }).catch(() => {});
 * seen.push(escaped!.state);
 * assertEquals(seen, ["open", "cancelling", "closed"]);
 * ```
 */
export type NurseryState = "open" | "cancelling" | "closed";

/**
 * The public face of a `Nursery`, as a task handle or a report sees it.
 *
 * @example Starting a sibling through a task's parent
 * ```ts
 * import { Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const value = await Nursery.run(async (nursery) => {
 *   const task = nursery.startSoon(() => 1);
 *   return await task.parent.startSoon(() => 2);
 * });
 * assertEquals(value, 2);
 * ```
 */
export interface NurseryScope {
  /** The nursery's name. */
  readonly name: string;
  /** Aborted when the nursery is cancelled. */
  readonly signal: AbortSignal;
  /** Where the nursery is in its life. */
  readonly state: NurseryState;
  /** Whether the nursery has been cancelled. */
  readonly cancelled: boolean;
  /** Whether the nursery has finished. */
  readonly closed: boolean;
  /** The task the nursery was opened in, if any. */
  readonly parent: Task<unknown> | undefined;
  /** The children that have not settled yet. */
  readonly tasks: Task<unknown>[];
  /** Starts a child task; see `Nursery.prototype.startSoon`. */
  startSoon<T>(fn: TaskFunction<T>, options?: StartSoonOptions): Task<T>;
  /** Starts a child and waits until it is ready; see `Nursery.prototype.start`. */
  start<V = void>(
    fn: (context: StartContext<V>) => unknown,
    options?: StartSoonOptions,
  ): Promise<V>;
  /** Cancels every task of the nursery; see `Nursery.prototype.cancel`. */
  cancel(reason?: unknown): void;
  /** The live tree below the nursery as text; see `Nursery.prototype.tree`. */
  tree(): string;
}

/**
 * Where a nursery's cancellation came from, as `nurseryCancelled` is told.
 *
 * @example Telling an inherited cancellation apart
 * ```ts
 * import { type CancelCause, instrument, Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const causes: CancelCause[] = [];
 * using _registration = instrument({
 *   nurseryCancelled: (_nursery, _reason, cause) => causes.push(cause),
 * });
 * await Nursery.run((outer) => {
 *   outer.startSoon(() =>
 *     Nursery.run((inner) =>
 *       new Promise((resolve) => inner.signal.addEventListener("abort", resolve))
 *     )
 *   );
 *   outer.cancel();
 * });
 * assertEquals(causes, [
 *   { origin: "explicit", inherited: false },
 *   { origin: "explicit", inherited: true },
 * ]);
 * ```
 */
export interface CancelCause {
  /** Where the cancellation started: a failure, a timeout, an outer signal or `cancel()`. */
  readonly origin: CancelOrigin;
  /** Whether it reached this nursery from an enclosing scope. */
  readonly inherited: boolean;
}

/**
 * The hooks of an instrument, in the spirit of trio's `Instrument`: any of
 * them, each called when its event happens. A hook that throws is reported
 * with `console.error` and never affects a task.
 *
 * @example Counting tasks
 * ```ts
 * import { type Instrument, instrument, Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * let settled = 0;
 * const counter: Instrument = { taskSettled: () => settled++ };
 * using _registration = instrument(counter);
 * await Nursery.run((nursery) => {
 *   nursery.startSoon(() => {});
 *   nursery.startSoon(async () => {});
 * });
 * assertEquals(settled, 2);
 * ```
 */
export interface Instrument {
  /** A nursery opened; its body has not run yet. */
  nurseryOpened?(nursery: NurseryScope): void;
  /** A child task was registered (it may wait for a slot: `queued`). */
  taskSpawned?(task: Task<unknown>): void;
  /** A child task's function is about to be called. */
  taskStarted?(task: Task<unknown>): void;
  /** A child task settled: its `status` and outcome are final. */
  taskSettled?(task: Task<unknown>): void;
  /**
   * A nursery was cancelled, with `reason`; its signals are aborted.
   * `cause.origin` is where the cancellation started, `cause.inherited`
   * whether it reached this nursery from an enclosing scope.
   */
  nurseryCancelled?(
    nursery: NurseryScope,
    reason: unknown,
    cause: CancelCause,
  ): void;
  /** A nursery closed: every task has settled, `run` is settling. */
  nurseryClosed?(nursery: NurseryScope): void;
}
