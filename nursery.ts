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
 *   was aborted first (see `_is_cancellation.ts`); a task sent several
 *   reasons (its own, then its nursery's) accepts any of them.
 * - The nursery aborts its children itself by walking a `Set`: children never
 *   listen on a shared signal, which would make cancellation O(N²). It holds
 *   at most two listeners, on the explicit `signal` and on an implicit parent
 *   scope that is not a task (a timeout's), removed when it closes; a parent
 *   task cancels the nurseries opened in it directly.
 * - The body's scope (and, with `taskScopes`, each task's) is current for the
 *   code it runs, so nurseries opened there without a signal are its children
 *   (`_context.ts`). `nursery.signal` aborts whenever the nursery is
 *   cancelled, even after the body returned, since nested scopes hang on it.
 * - Bookkeeping is registered before user code runs, so a task that throws or
 *   finishes inside `startSoon` is an ordinary outcome.
 * - Synchronous recursion through nested nurseries is bounded
 *   (`_trampoline.ts`): deep trees cannot overflow the stack.
 *
 * @module
 */
import { Cancelled, NurseryClosedError } from "./errors.ts";
import { MultiError } from "./multi_error.ts";
import { labelFailure } from "./_failure_labels.ts";
import {
  StartContextImpl,
  type Startup,
  TaskContextImpl,
  TaskHandle,
} from "./_task.ts";
import { runBounded, type ShieldedParts, shieldedParts } from "./_shielded.ts";
import { currentScope } from "./_context.ts";
import { callBounded } from "./_trampoline.ts";
import { follow } from "./_follow.ts";
import { failAfter } from "./timeout.ts";
import { type MapContext, mapWith, type NurseryMapOptions } from "./map.ts";
import {
  type NurseryStreamOptions,
  type StreamContext,
  streamWith,
} from "./stream.ts";
import { anyWith, type Contender, type NurseryAnyOptions } from "./any.ts";
import type { Task, TaskContext, TaskFunction } from "./task.ts";
import {
  checkBoolean,
  checkConcurrency,
  checkDuration,
  checkFunction,
  checkName,
  checkOptions,
  checkSignal,
} from "./_validate.ts";

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
   * Makes each child the current scope for its own code, so that nurseries,
   * timeouts and `currentSignal()` inside a child belong to that child:
   * `task.cancel()` reaches the scopes it opened, `currentSignal()` is its
   * signal, and `tree()` shows nested nurseries under it. It costs one
   * `AsyncLocalStorage.run` per child, about 1.5 µs in Deno 2.9 (4.7 times an
   * untracked child; README's performance section has the figures), so it is
   * off by default. Off, children share the body's scope: cancelling the
   * nursery (a failure, `cancel()`, a timeout, the outer signal) still reaches
   * every scope opened inside it without a signal, but `task.cancel()` on one
   * child reaches only what it passed its signal to. Shielded tasks always
   * get their own scope, so what they open stays shielded.
   *
   * @default {the enclosing nursery's setting, else false}
   */
  taskScopes?: boolean;
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
  readonly nursery: Nursery;
  /** Milliseconds since the cancellation began. */
  readonly elapsed: number;
  /** The deepest tasks it is still waiting for. */
  readonly stuck: readonly StuckTask[];
  /** One line that says all of the above. */
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

/** A task waiting for a slot under the concurrency limit. */
interface QueuedTask {
  task: TaskHandle<unknown>;
  fn: TaskFunction<unknown>;
  shielded: ShieldedParts | undefined;
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
  // A Set keeps insertion order and makes the identity dedupe O(1); made on
  // the first failure, as most nurseries never see one.
  #failures: Set<unknown> | undefined;
  #cancelled = false;
  #cancelReason: unknown;
  // Removes the listeners on the explicit signal and on an implicit parent
  // scope that is not a task (see #open); undefined when there are none.
  #unfollow: (() => void) | undefined;
  #outerAborted = false;
  #outerReason: unknown;
  #closed = false;
  #parent: TaskHandle<unknown> | undefined;
  #startedAt = 0;
  readonly #slowCancelAfter: number;
  readonly #onSlowCancel: (report: SlowCancelReport) => void;
  #slowCancelTimer: ReturnType<typeof setTimeout> | undefined;
  #cancelledAt = 0;
  readonly #taskScopes: boolean;
  #resolveRun!: (value: unknown) => void;
  #rejectRun!: (error: unknown) => void;
  // The concurrency limit: children running now, and those waiting in order.
  readonly #limit: number;
  #running = 0;
  #queue: QueuedTask[] | undefined;
  #queueHead = 0;
  #pumping = false;

  private constructor(
    name: string,
    strict: boolean,
    limit: number,
    slowCancelAfter: number,
    onSlowCancel: (report: SlowCancelReport) => void,
    taskScopes: boolean | undefined,
  ) {
    // A nested nursery inherits the setting, so one choice at the root holds.
    const enclosing = currentScope()?.task?.parent;
    this.#taskScopes = taskScopes ??
      (enclosing === undefined ? false : enclosing.#taskScopes);
    this.#name = name;
    this.#strict = strict;
    this.#limit = limit;
    this.#slowCancelAfter = slowCancelAfter;
    this.#onSlowCancel = onSlowCancel;
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
      checkBoolean(options.taskScopes, "run nursery", "options.taskScopes");
      checkConcurrency(options.concurrency, "run nursery");
      if (options.timeout !== undefined) {
        checkDuration(options.timeout, "run nursery", "options.timeout");
      }
      if (options.slowCancelAfter !== undefined) {
        checkDuration(
          options.slowCancelAfter,
          "run nursery",
          "options.slowCancelAfter",
        );
      }
      if (options.onSlowCancel !== undefined) {
        checkFunction(
          options.onSlowCancel,
          "run nursery",
          "options.onSlowCancel",
        );
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const {
      signal,
      name = body.name || "nursery",
      strict = false,
      concurrency = Infinity,
      timeout = Infinity,
      slowCancelAfter = 5_000,
      onSlowCancel = warnSlowCancel,
      taskScopes,
    } = options;
    if (timeout !== Infinity) {
      return failAfter(
        timeout,
        ({ signal }) =>
          Nursery.run(body, { ...options, signal, timeout: Infinity }),
        {
          signal,
        },
      );
    }
    return new Promise<T>((resolve, reject) => {
      const nursery = new Nursery(
        name,
        strict,
        concurrency,
        slowCancelAfter,
        onSlowCancel,
        taskScopes,
      );
      nursery.#resolveRun = resolve as (value: unknown) => void;
      nursery.#rejectRun = reject;
      nursery.#open(body, signal);
    });
  }

  /**
   * The nursery whose task is running now: the one whose body or child the
   * calling code belongs to, or `undefined` outside any nursery (and on
   * runtimes without `AsyncLocalStorage`).
   *
   * @returns The current nursery, or `undefined`.
   *
   * @example Starting a sibling from deep inside a task
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { assertStrictEquals } from "@std/assert";
   *
   * await Nursery.run((nursery) => {
   *   nursery.startSoon(async () => {
   *     await Promise.resolve();
   *     assertStrictEquals(Nursery.current(), nursery);
   *   });
   * });
   * assertStrictEquals(Nursery.current(), undefined);
   * ```
   */
  static current(): Nursery | undefined {
    return currentScope()?.task?.parent;
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

  /**
   * The task this nursery was opened in (its implicit parent), if any.
   * Cancelling that task, or anything above it, cancels this nursery.
   */
  get parent(): Task<unknown> | undefined {
    return this.#parent;
  }

  /**
   * The live tree below this nursery as indented text: one line per nursery
   * and task, with its name, its status and how long it has run. Nurseries
   * opened inside a task appear under that task.
   *
   * @returns The rendering, lines separated by `\n`.
   *
   * @example Looking at a running tree
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { assertEquals } from "@std/assert";
   *
   * const text = await Nursery.run(async function server(nursery) {
   *   nursery.startSoon(async function accept({ signal }) {
   *     await new Promise((resolve) => signal.addEventListener("abort", resolve));
   *   });
   *   await Promise.resolve();
   *   const tree = nursery.tree().replace(/\d+ms/g, "_ms");
   *   nursery.cancel();
   *   return tree;
   * });
   * assertEquals(text, [
   *   'nursery "server" open _ms',
   *   '  body "server" running _ms',
   *   '  task "accept" running _ms',
   * ].join("\n"));
   * ```
   */
  tree(): string {
    const lines: string[] = [];
    this.#render(lines, "", Date.now());
    return lines.join("\n");
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
    this.#checkStart(fn, options, "start task");
    return this.#spawn(fn, options?.name, undefined);
  }

  /**
   * Starts `fn` as a child and resolves once it calls `started(value)`, with
   * that value, while the child goes on running in the nursery (a server is
   * listening: now connect to it).
   *
   * Until `started`, the child's failure is `start`'s alone: `start` rejects
   * with it and the nursery never sees it (its siblings are not cancelled).
   * If the child returns without calling `started`, `start` rejects with an
   * error saying so (or with its signal's reason, if it was cancelled). A
   * child that is still starting is cancelled with the nursery, so the
   * nursery never waits forever on it.
   *
   * @typeParam V The value passed to `started`.
   * @param fn The task; it receives `{ signal, name, started }`.
   * @param options The task's name.
   * @returns The value the child passed to `started`.
   * @throws {NurseryClosedError} (as a rejection) If the nursery has finished.
   * @throws {TypeError} (as a rejection) If `fn` is not a function.
   *
   * @example Waiting until a server listens
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { assertEquals } from "@std/assert";
   *
   * const reply = await Nursery.run(async (nursery) => {
   *   const port = await nursery.start<number>(async ({ signal, started }) => {
   *     const server = Deno.serve(
   *       { port: 0, hostname: "127.0.0.1", signal, onListen: () => {} },
   *       () => new Response("hello"),
   *     );
   *     started(server.addr.port);
   *     await server.finished;
   *   });
   *   const response = await fetch(`http://127.0.0.1:${port}/`);
   *   const text = await response.text();
   *   nursery.cancel(); // stops the server; run() still resolves
   *   return text;
   * });
   * assertEquals(reply, "hello");
   * ```
   */
  start<V = void>(
    fn: (context: StartContext<V>) => unknown,
    options?: StartSoonOptions,
  ): Promise<V> {
    try {
      this.#checkStart(fn, options, "start task");
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<V>((resolve, reject) => {
      this.#spawn(fn as TaskFunction<unknown>, options?.name, {
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
  }

  /**
   * Calls `fn(item, { signal, index })` for each item of a sync or async
   * iterable, at most `concurrency` at a time, and resolves with the results
   * in input order: a structured `pooledMap`, the collecting form of
   * {@linkcode Nursery.stream}. On the first failure it cancels the calls in
   * flight, reads no more, closes the input iterator, and rejects once they
   * have all settled. The rules in full: {@linkcode mapWith}.
   *
   * @typeParam T The items' type.
   * @typeParam R The results' type.
   * @param items The inputs, read lazily as slots free up.
   * @param fn The work for one item.
   * @param options The concurrency limit and an outer signal.
   * @returns The results, in input order.
   * @throws {TypeError} (as a rejection) If `items` is not iterable or `fn`
   * not a function.
   * @throws {RangeError} (as a rejection) If `concurrency` is not a positive
   * integer or `Infinity`.
   *
   * @example Three at a time, results in order
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { delay } from "@std/async";
   * import { assertEquals } from "@std/assert";
   *
   * const squares = await Nursery.map([1, 2, 3, 4, 5], async (n, { signal }) => {
   *   await delay(10 - n, { signal });
   *   return n * n;
   * }, { concurrency: 3 });
   * assertEquals(squares, [1, 4, 9, 16, 25]);
   * ```
   */
  static map<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, context: MapContext) => R | PromiseLike<R>,
    options?: NurseryMapOptions,
  ): Promise<R[]> {
    return mapWith(Nursery.run, items, fn, options);
  }

  /**
   * Calls `fn(item, { signal, index })` for each item of a sync or async
   * iterable, at most `concurrency` at a time, and yields the results as they
   * complete (with `ordered`, in input order), in a nursery of its own.
   * Nothing starts before the first `next()`; the input is read, and `fn`
   * called, only while fewer than `concurrency` results are unread, so a slow
   * loop pauses the work. `break` cancels the calls in flight, waits for them
   * and closes the input; a failure, the outer signal or the implicit parent
   * cancels it all and the loop throws. The rules in full:
   * {@linkcode streamWith}.
   *
   * @typeParam T The items' type.
   * @typeParam R The results' type.
   * @param items The inputs, a sync or async iterable, read lazily.
   * @param fn The work for one item.
   * @param options The concurrency limit, the order, and an outer signal.
   * @returns An async iterator of the results.
   * @throws {TypeError} If `items` is not iterable or `fn` not a function.
   * @throws {RangeError} If `concurrency` is not a positive integer or
   * `Infinity`.
   *
   * @example Results as they complete; break cancels the rest
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { delay } from "@std/async";
   * import { assertEquals } from "@std/assert";
   *
   * const seen: number[] = [];
   * for await (const ms of Nursery.stream([30, 10, 20], async (ms, { signal }) => {
   *   await delay(ms, { signal });
   *   return ms;
   * })) {
   *   seen.push(ms);
   *   if (seen.length === 2) break; // the 30 ms call is cancelled
   * }
   * assertEquals(seen, [10, 20]);
   * ```
   */
  static stream<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, context: StreamContext) => R | PromiseLike<R>,
    options?: NurseryStreamOptions,
  ): AsyncIterableIterator<R> {
    return streamWith(Nursery.run, items, fn, options);
  }

  /**
   * Runs each contender as a task and resolves with the first value one
   * fulfils, after cancelling the others and waiting for them; a failing
   * contender ends only itself. If all fail, it rejects with a
   * {@linkcode MultiError} of their failures in input order. With `stagger`,
   * contender k+1 starts when k fails or `stagger` ms after k started (happy
   * eyeballs). The rules in full: {@linkcode anyWith}.
   *
   * @typeParam R The result.
   * @param contenders The functions to race, read lazily; each receives
   * `{ signal, index }`.
   * @param options The stagger delay and an outer signal.
   * @returns The winner's value.
   * @throws {MultiError} (as a rejection) If every contender failed, or there
   * was none.
   * @throws {TypeError} (as a rejection) If `contenders` is not iterable or
   * holds something other than a function.
   *
   * @example The first mirror that answers
   * ```ts
   * import { Nursery } from "@nursery/nursery";
   * import { delay } from "@std/async";
   * import { assertEquals } from "@std/assert";
   *
   * const mirror = (name: string, ms: number) => async ({ signal }: { signal: AbortSignal }) => {
   *   await delay(ms, { signal });
   *   return name;
   * };
   * const reply = await Nursery.any([
   *   () => Promise.reject(new Error("eu is down")),
   *   mirror("us", 10),
   *   mirror("asia", 50),
   * ]);
   * assertEquals(reply, "us");
   * ```
   */
  static any<R>(
    contenders: Iterable<Contender<R>>,
    options?: NurseryAnyOptions,
  ): Promise<R> {
    return anyWith(Nursery.run, contenders, options);
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

  #checkStart(fn: unknown, options: unknown, action: string): void {
    checkFunction(fn, action, "fn");
    checkOptions(options, action);
    checkName((options as StartSoonOptions | undefined)?.name, action);
    if (this.#closed) {
      throw new NurseryClosedError(
        `Cannot start task: nursery "${this.#name}" is closed`,
      );
    }
  }

  // Registers the task before any user code runs, then calls it, or queues it
  // when the concurrency limit is reached (a cancelled nursery queues nothing:
  // the task is called at once with an aborted signal, so its cleanup runs).
  #spawn<T>(
    fn: TaskFunction<unknown>,
    name: string | undefined,
    startup: Startup | undefined,
  ): TaskHandle<T> {
    const shielded = shieldedParts(fn);
    const queued = this.#running >= this.#limit && !this.#cancelled;
    const task = new TaskHandle<T>(
      name ?? ((shielded?.fn ?? fn).name || "task"),
      this,
      shielded !== undefined,
      this.#onTaskSettled,
      queued,
    );
    task.startup = startup;
    this.#children.add(task as TaskHandle<unknown>);
    if (queued) {
      (this.#queue ??= []).push({
        task: task as TaskHandle<unknown>,
        fn,
        shielded,
      });
    } else {
      if (this.#cancelled && !task.shielded) task.cancel(this.#cancelReason);
      this.#begin(task as TaskHandle<unknown>, fn, shielded);
    }
    return task;
  }

  #begin(
    task: TaskHandle<unknown>,
    fn: TaskFunction<unknown>,
    shielded: ShieldedParts | undefined,
  ): void {
    this.#running++;
    const context = task.startup === undefined
      ? new TaskContextImpl(task)
      : new StartContextImpl(task);
    if (shielded === undefined) {
      // Own scope per task (default), or the body's, entered only when the
      // caller is not already in it (the common, free case of the body).
      const scope = this.#taskScopes
        ? task
        : currentScope() === this.#body
        ? null
        : this.#body;
      task.begin(fn, context, scope);
    } else {
      // Always its own scope: what a shielded task opens is shielded with it.
      task.begin(
        (context) =>
          runBounded(
            shielded.fn,
            context,
            shielded.timeout,
            (error) => task.expire(error),
          ),
        context,
      );
    }
  }

  // Starts queued tasks while slots are free. Not re-entrant: a task that
  // settles at once inside #begin comes back here, and the outer loop goes on,
  // so a long queue of synchronous tasks cannot overflow the stack.
  #pump(): void {
    const queue = this.#queue;
    if (this.#pumping || queue === undefined) return;
    this.#pumping = true;
    try {
      while (this.#running < this.#limit && this.#queueHead < queue.length) {
        const next = queue[this.#queueHead];
        queue[this.#queueHead++] = undefined!;
        if (next.task.status === "queued") {
          this.#begin(next.task, next.fn, next.shielded);
        }
      }
      if (this.#queueHead === queue.length) {
        this.#queue = undefined;
        this.#queueHead = 0;
      }
    } finally {
      this.#pumping = false;
    }
  }

  #open(
    body: (nursery: Nursery) => unknown,
    signal: AbortSignal | undefined,
  ): void {
    this.#startedAt = Date.now();
    this.#body = new TaskHandle(this.#name, this, false, this.#onTaskSettled);
    // The scope this nursery was opened in is its implicit parent: cancelling
    // it (or anything above it) cancels the nursery, with no signal passed.
    // A task cancels the nurseries opened directly in it itself; any other
    // scope (a timeout's, a shield's) is followed through its signal.
    const parent = currentScope();
    const task = parent?.task;
    const direct = task !== undefined && parent === task;
    if (task !== undefined) {
      this.#parent = task;
      (task.nurseries ??= new Map()).set(
        this,
        direct ? this.#onOuterAbort : null,
      );
      if (direct && task.aborted) this.#abortFromOuter(task.abortReason);
    }
    const scopeSignal = direct ? undefined : parent?.signal;
    // The explicit signal too, unless it is the parent task's own.
    const explicit = direct && signal === task.signalIfMade
      ? undefined
      : signal;
    if (scopeSignal !== undefined || explicit !== undefined) {
      this.#unfollow = follow([scopeSignal, explicit], this.#onOuterAbort);
    }
    callBounded((body) => this.#body.begin(body, this), body);
  }

  #onOuterAbort = (reason: unknown): void => this.#abortFromOuter(reason);

  #abortFromOuter(reason: unknown): void {
    if (this.#outerAborted || this.#closed) return;
    this.#outerAborted = true;
    this.#outerReason = reason;
    this.#cancel(reason);
  }

  #cancel(reason: unknown): void {
    if (this.#cancelled || this.#closed) return;
    this.#cancelled = true;
    this.#cancelReason = reason;
    this.#cancelledAt = Date.now();
    if (this.#slowCancelAfter !== Infinity) {
      this.#slowCancelTimer = setTimeout(
        () => this.#reportSlowCancel(),
        this.#slowCancelAfter,
      );
    }
    this.#body.abortSignal(reason);
    for (const child of this.#children) {
      if (!child.shielded) child.cancel(reason);
    }
  }

  #taskSettled(task: TaskHandle<unknown>): void {
    let reportFailure = task.status === "rejected";
    if (task !== this.#body) {
      this.#children.delete(task);
      if (task.startup !== undefined) {
        // Ended before started(): the outcome is start()'s, not the nursery's.
        this.#settleStartup(task, task.startup);
        reportFailure = false;
      }
      if (task.startedAt !== undefined) {
        this.#running--;
        if (this.#queue !== undefined) this.#pump();
      }
    }
    if (reportFailure) this.#fail(task.outcome, task.name);
    if (!this.#body.live && this.#children.size === 0) this.#close();
  }

  #settleStartup(task: TaskHandle<unknown>, startup: Startup): void {
    task.startup = undefined;
    if (task.status !== "fulfilled") startup.reject(task.outcome);
    else {
      startup.reject(
        new Error(
          `Cannot start task "${task.name}": it returned without calling started()`,
        ),
      );
    }
  }

  #fail(error: unknown, taskName: string): void {
    // The body awaiting a failed child rethrows the same error: report it once.
    this.#failures ??= new Set();
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
    this.#unfollow?.();
    this.#parent?.nurseries?.delete(this);
    if (this.#slowCancelTimer !== undefined) {
      clearTimeout(this.#slowCancelTimer);
    }
    const failures = this.#failures;
    if (failures !== undefined) {
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

  #render(lines: string[], indent: string, now: number): void {
    const state = this.#closed
      ? "closed"
      : this.#cancelled
      ? "cancelling"
      : "open";
    lines.push(
      `${indent}nursery ${JSON.stringify(this.#name)} ${state} ${
        now - this.#startedAt
      }ms`,
    );
    for (const task of this.#liveTasks()) {
      const kind = task === this.#body ? "body" : "task";
      const ran = task.startedAt === undefined ? 0 : now - task.startedAt;
      lines.push(
        `${indent}  ${kind} ${
          JSON.stringify(task.name)
        } ${task.status} ${ran}ms`,
      );
      for (const nested of task.nurseries?.keys() ?? []) {
        nested.#render(lines, indent + "    ", now);
      }
    }
  }

  // Live tasks, and the body while it runs or while nurseries opened in its
  // scope do (children share the body's scope unless taskScopes is on).
  #liveTasks(): TaskHandle<unknown>[] {
    const tasks = [...this.#children];
    if (this.#body.live || this.#body.nurseries?.size) {
      tasks.unshift(this.#body);
    }
    return tasks;
  }

  // The deepest live tasks below this nursery: a task inside which a live
  // nursery was opened is reported through that nursery's tasks instead.
  #stuck(path: readonly string[], into: StuckTask[]): void {
    for (const task of this.#liveTasks()) {
      const here = [...path, task.name];
      const nested = [...task.nurseries?.keys() ?? []].filter((n) =>
        !n.#closed
      );
      if (nested.length === 0 && task.live) into.push({ task, path: here });
      for (const nursery of nested) {
        nursery.#stuck([...here, nursery.#name], into);
      }
    }
  }

  #reportSlowCancel(): void {
    this.#slowCancelTimer = undefined;
    // A cancelling ancestor that reports too will name these tasks already.
    for (let up = this.#parent?.parent; up; up = up.#parent?.parent) {
      if (up.#cancelled && !up.#closed && up.#slowCancelAfter !== Infinity) {
        return;
      }
    }
    const stuck: StuckTask[] = [];
    this.#stuck([this.#name], stuck);
    const elapsed = Date.now() - this.#cancelledAt;
    const message = `Nursery "${this.#name}" was cancelled ${elapsed} ms ago ` +
      `and still waits for ${stuck.length} task(s) that have not ended ` +
      `(do they ignore their signal?): ` +
      stuck.map((entry) => entry.path.join(" > ")).join("; ");
    this.#onSlowCancel({ nursery: this, elapsed, stuck, message });
  }
}

function warnSlowCancel(report: SlowCancelReport): void {
  console.warn(report.message);
}
