// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode Nursery}: a scope that owns concurrent tasks.
 *
 * ## Invariants
 *
 * - `run` settles only after the body and every child have settled (`#live`
 *   counts them, queued ones included). Nothing a nursery started outlives
 *   it, so when `run` settles it is closed, and `startSoon` throws.
 * - The nursery's node in the cancel tree is its body's
 *   (`_cancel_tree.ts`): children hang from it, and so does whatever the
 *   body's code opens. Cancelling the nursery, for any reason, is
 *   cancelling that node: every signal below it is aborted before the call
 *   returns. Its `state` turns `cancelling` while the node is marked, before
 *   any user code runs.
 * - Every task is its own node, current for its code (unless `taskScopes`
 *   is false), so what it opens without a signal is cancelled with it.
 * - Every failure is recorded once (by identity), when its task settles,
 *   and the nursery is cancelled before a queued task can take the freed
 *   slot: nothing starts after a failure.
 * - How `run` settles is one pure function of the ending
 *   (`_outcome.ts`), decided once, at close.
 * - Bookkeeping is registered before user code runs, so a task that throws
 *   or finishes inside `startSoon` is an ordinary outcome.
 *
 * @module
 */
import { NurseryClosedError } from "./errors.ts";
import { abortsMade, type CancelNode, followSignal } from "./_cancel_tree.ts";
import { currentNode, parentOfNewScope } from "./_context.ts";
import { armDeadline, formatMs } from "./_deadline.ts";
import { labelFailure } from "./_failure_labels.ts";
import { emit, instrumented } from "./_instruments.ts";
import { functionName } from "./_inspect.ts";
import { liveRoots } from "./_roots.ts";
import { Limiter } from "./_limiter.ts";
import { nurseryOutcome } from "./_outcome.ts";
import { renderTree } from "./_render.ts";
import { SlowCancelWatch } from "./_watchdog.ts";
import {
  callWithTimeout,
  type ShieldedParts,
  shieldedParts,
} from "./_shielded.ts";
import {
  bodyCancelled,
  cancellation,
  cancelledAt,
  enclosingTask,
  keptShapes,
  queueDrain,
  settleStartup,
  startedBy,
  type Startup,
  stranded,
  strandedAborts,
  strandedErrors,
  TaskHandle,
  taskRepaired,
  taskSettled,
} from "./_task.ts";
import { DEFAULTS, EMPTY, type Settings, settingsOf } from "./_settings.ts";
import type { Timer } from "./_timer.ts";
import { type MapContext, mapWith, type NurseryMapOptions } from "./map.ts";
import {
  type NurseryStreamOptions,
  type StreamContext,
  streamWith,
} from "./stream.ts";
import { anyWith, type Contender, type NurseryAnyOptions } from "./any.ts";
import {
  checkFunction,
  checkOptions,
  checkRunOptions,
  checkStart,
} from "./_validate.ts";
import type {
  NurseryRunOptions,
  NurseryState,
  StartContext,
  StartSoonOptions,
  Task,
  TaskFunction,
} from "./types.ts";

// See Nursery's static block.
const keptForV8: unknown[] = [];

/** A task waiting for a slot under the concurrency limit. */
interface Waiting {
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
 * rejects: one failure as itself, several as one `MultiError`.
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
  // The options, read once at the call: a getter is never read again.
  readonly #options: Settings;
  readonly #taskScopes: boolean;
  readonly #limiter: Limiter<Waiting> | undefined;
  readonly #body: TaskHandle<unknown>;
  #state: NurseryState = "open";
  #live = 1;
  // Children started so far: an unnamed one is called task-N in that order.
  #spawned = 0;
  // Failure -> the task it came from. A Map keeps insertion order and makes
  // the identity dedupe O(1), for primitives too; made on the first
  // failure, as most nurseries never see one.
  #failures: Map<unknown, string> | undefined;
  #cancelledAt = 0;
  #deadline: Timer | undefined;
  #watchdog: SlowCancelWatch | undefined;
  #unfollow: (() => void) | undefined;
  #resolve!: (value: unknown) => void;
  #reject!: (error: unknown) => void;

  private constructor(
    name: string,
    settings: Settings,
    parent: CancelNode | undefined,
  ) {
    this.#name = name;
    this.#options = settings;
    // A nested nursery inherits the setting, so one choice at the root holds.
    const enclosing = enclosingNursery(parent);
    this.#taskScopes = this.#options.taskScopes ??
      (enclosing === undefined ? true : enclosing.#taskScopes);
    const { concurrency = Infinity } = this.#options;
    this.#limiter = concurrency === Infinity
      ? undefined
      // Made only for a limited nursery: the closure is its alone.
      : new Limiter(concurrency, (entry) => {
        if (entry.task.status === "queued") this.#begin(entry);
      });
    // Last: from here on the node is in the tree and may be cancelled.
    this.#body = new TaskHandle(this, parent, name, false, "running", true);
    if (this.#body.parentNode === undefined) liveRoots.add(this.#body);
  }

  /**
   * Runs `body` as the first task of a new nursery and settles when it and
   * every task it started have settled.
   *
   * Resolves with the body's value. Rejects with the failure if one task
   * failed, a `MultiError` if several did (or always, with `strict`), the
   * reason of a cancellation that came from outside (the outer signal, an
   * enclosing scope), a `TimeoutError` if its `timeout` passed, or the
   * nursery's own cancellation reason if the body itself was cancelled.
   *
   * @typeParam T The body's result.
   * @param body The nursery's first task; it receives the nursery.
   * @param options Outer signal, name, error shape, limits and reporting.
   * @returns The body's value, once everything has finished.
   * @throws {TypeError} (as a rejection, before the body runs) If `body` is
   * not a function or an option has the wrong type.
   * @throws {RangeError} (as a rejection) If a number option is out of range.
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
    options: NurseryRunOptions = EMPTY,
  ): Promise<T> {
    let nursery: Nursery;
    try {
      checkFunction(body, "run nursery", "body");
      checkOptions(options, "run nursery");
      const settings = settingsOf(options);
      if (settings !== DEFAULTS) checkRunOptions(settings);
      nursery = new Nursery(
        settings.name ?? (functionName(body) || "nursery"),
        settings,
        parentOfNewScope(settings.signal),
      );
    } catch (error) {
      return Promise.reject(error);
    }
    return nursery.#open(body) as Promise<T>;
  }

  /**
   * The nursery whose task is running now: the one whose body or child the
   * calling code belongs to, or `undefined` outside any nursery (and, after
   * an await, on runtimes without `AsyncLocalStorage`).
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
    return enclosingNursery(currentNode());
  }

  /** The nursery's name, given or derived from the body function's name. */
  get name(): string {
    return this.#name;
  }

  /** Aborted when the nursery is cancelled, even after the body returned. */
  get signal(): AbortSignal {
    return this.#body.signal;
  }

  /** Where the nursery is in its life: `open`, `cancelling` or `closed`. */
  get state(): NurseryState {
    return this.#state;
  }

  /** Whether the nursery has been cancelled (by a failure, `cancel()`, a timeout or from outside). */
  get cancelled(): boolean {
    return this.#body.isCancelled;
  }

  /** Whether the nursery has finished; a closed nursery starts no tasks. */
  get closed(): boolean {
    return this.#state === "closed";
  }

  /**
   * The task this nursery was opened in (its implicit parent), if any.
   * Cancelling that task, or anything above it, cancels this nursery.
   */
  get parent(): Task<unknown> | undefined {
    return enclosingTask(this.#body.parentNode);
  }

  /** The children that have not settled yet (the body excluded). */
  get tasks(): Task<unknown>[] {
    const tasks: Task<unknown>[] = [];
    for (const node of this.#body.children()) {
      if (node instanceof TaskHandle && node.owner === this && !node.isBody) {
        tasks.push(node);
      }
    }
    return tasks;
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
    return renderTree(this.#body, Date.now());
  }

  /**
   * Starts `fn` as a child task and returns its handle.
   *
   * `fn` is called before `startSoon` returns, and runs up to its first
   * `await`. A synchronous throw is the task's failure, not an exception
   * here. In a cancelled nursery, `fn` is still called, with an aborted
   * signal, so that its cleanup runs (a shielded one waits for its slot).
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
    checkStart(fn, options, "start task");
    this.#checkOpen();
    return this.#spawn(
      fn as TaskFunction<unknown>,
      options?.name,
      undefined,
    ) as Task<T>;
  }

  /**
   * Starts `fn` as a child and resolves once it calls `started(value)`, with
   * that value, while the child goes on running in the nursery (a server is
   * listening: now connect to it).
   *
   * Until `started`, the child's failure is `start`'s alone: `start` rejects
   * with it and the nursery never sees it (its siblings are not cancelled).
   * If the child returns without calling `started`, `start` rejects with an
   * error saying so, or with the cancellation's reason if it was cancelled.
   * A child that is still starting is cancelled with the nursery, so the
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
      checkStart(fn, options, "start task");
      this.#checkOpen();
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
   * signals with `reason` (a new `Cancelled` if none is given), before it
   * returns. A second call changes nothing. If the body had already
   * returned, `run` still resolves with its value; if the body itself was
   * cancelled, `run` rejects with the reason.
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
    this.#body.cancel(
      reason === undefined ? cancellation(this.#body, "explicit") : reason,
    );
  }

  #open(body: (nursery: Nursery) => unknown): Promise<unknown> {
    const promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const { signal, timeout } = this.#options;
    const inherited = this.#body.isCancelled;
    // Started inside a cancelled scope: cancelled before the body runs.
    if (inherited) this[bodyCancelled]();
    if (instrumented) {
      emit("nurseryOpened", this);
      const body = this.#body;
      if (inherited) {
        emit("nurseryCancelled", this, body.reason, startedBy(body));
      }
    }
    // The parent task's own signal needs no listener: the tree links them.
    if (
      signal !== undefined && signal !== this.#body.parentNode?.signalIfMade
    ) {
      this.#unfollow = followSignal(this.#body, signal);
    }
    if (timeout !== Infinity) {
      this.#deadline = armDeadline(
        this.#body,
        timeout,
        true,
        () =>
          `Nursery "${this.#name}" passed its timeout of ${formatMs(timeout)}`,
      );
    }
    this.#body.begin(body, this.#body, this);
    return promise;
  }

  #checkOpen(): void {
    if (this.#state === "closed") {
      throw new NurseryClosedError(
        `Cannot start task: nursery "${this.#name}" is closed`,
      );
    }
  }

  // Registers the task before any user code runs, then calls it, or queues
  // it when the limit is reached. A cancelled nursery queues no unshielded
  // task: it is called at once with an aborted signal, so its cleanup runs.
  #spawn(
    fn: TaskFunction<unknown>,
    name: string | undefined,
    startup: Startup | undefined,
  ): TaskHandle<unknown> {
    const shielded = shieldedParts(fn);
    this.#spawned++;
    const limiter = this.#limiter;
    const queued = limiter !== undefined && limiter.full &&
      (shielded !== undefined || !this.#body.isCancelled);
    const task = new TaskHandle(
      this,
      this.#body,
      name ?? (functionName(shielded?.fn ?? fn) || `task-${this.#spawned}`),
      shielded !== undefined,
      queued ? "queued" : "running",
      false,
    );
    if (startup !== undefined) task.awaitStartup(startup);
    this.#live++;
    // Started after the cancellation, it may hang unreported.
    this.#watchdog?.taskStarted();
    try {
      if (instrumented) emit("taskSpawned", task);
      if (queued) limiter.wait({ task, fn, shielded });
      else this.#begin({ task, fn, shielded });
    } catch (error) {
      // Only running out of stack gets here (user code cannot throw here):
      // the task is registered, so it must end, as a failure.
      //   const deep = (n) => { recurse(); nursery.startSoon(() => deep(n)); };
      // Plain stores: with the stack exhausted, even a call may throw.
      stranded[stranded.length] = task;
      strandedErrors[strandedErrors.length] = error;
      strandedAborts[strandedAborts.length] = abortsMade;
      try {
        queueDrain();
      } catch {
        // The next task to begin queues it.
      }
    }
    return task;
  }

  #begin({ task, fn, shielded }: Waiting): void {
    this.#limiter?.acquire();
    if (instrumented) emit("taskStarted", task);
    if (shielded !== undefined) {
      // Always its own node: what a shielded task opens is shielded with it.
      const name = `task "${task.name}"`;
      task.begin(
        (context) =>
          callWithTimeout(shielded.fn, context, shielded.timeout, task, name),
        task,
      );
    } else if (this.#taskScopes) task.begin(fn, task);
    else {
      // The body's node, entered only when the caller is not already in it
      // (the common, free case of a body starting its children).
      task.begin(fn, currentNode() === this.#body ? null : this.#body);
    }
  }

  /**
   * The body's node was marked cancelled (see `_task.ts`).
   *
   * @ignore
   */
  [bodyCancelled](): void {
    if (this.#state !== "open") return;
    this.#state = "cancelling";
    // Not the coarse clock: the report says how long ago it was cancelled.
    this.#cancelledAt = Date.now();
    const { slowCancelAfter } = this.#options;
    if (slowCancelAfter !== Infinity) {
      this.#watchdog = new SlowCancelWatch(
        this.#body,
        this.#cancelledAt,
        slowCancelAfter,
        this.#options.onSlowCancel,
      );
    }
  }

  /**
   * Telling the nursery `task` settled ran out of stack half done (see
   * `_task.ts`): every step of it is redone where it may be missing (a
   * failure is recorded once, by identity), and the counts are rebuilt
   * from the tree, which is the truth they summarise.
   *
   * @ignore
   */
  [taskRepaired](task: TaskHandle<unknown>): void {
    if (this.#state === "closed") return;
    if (task.isBody) {
      if (task.status === "rejected") this.#fail(task.outcome, task.name);
    } else {
      const startup = task.takeStartup();
      if (startup !== undefined) settleStartup(task, startup);
      else if (task.status === "rejected") this.#childFailed(task);
    }
    let live = this.#body.live ? 1 : 0;
    let running = 0;
    for (const node of this.#body.children()) {
      if (!(node instanceof TaskHandle) || node.owner !== this) continue;
      if (node.isBody || !node.live) continue;
      live++;
      if (node.status === "running") running++;
    }
    this.#live = live;
    this.#limiter?.recount(running);
    if (this.#live === 0) this.#close();
  }

  /**
   * When the nursery was cancelled (see `_task.ts`).
   *
   * @ignore
   */
  get [cancelledAt](): number {
    return this.#cancelledAt;
  }

  /**
   * A task settled (see `_task.ts`): its status and outcome are final.
   *
   * @ignore
   */
  [taskSettled](task: TaskHandle<unknown>): void {
    this.#live--;
    if (instrumented && !task.isBody) emit("taskSettled", task);
    if (task.isBody) {
      if (task.status === "rejected") this.#fail(task.outcome, task.name);
    } else {
      const startup = task.takeStartup();
      // Ended before started(): the outcome is start()'s, not the nursery's.
      if (startup !== undefined) settleStartup(task, startup);
      else if (task.status === "rejected") this.#childFailed(task);
      // Only now, with the failure recorded and the nursery cancelled, may
      // a waiting task take the slot.
      if (task.startedAt !== undefined) {
        this.#limiter?.release();
      }
    }
    if (this.#live === 0) this.#close();
  }

  #childFailed(task: TaskHandle<unknown>): void {
    const { onTaskError, failFast } = this.#options;
    if (onTaskError === undefined) {
      this.#fail(task.outcome, task.name, failFast);
      return;
    }
    try {
      onTaskError(task.outcome, task);
    } catch (error) {
      this.#fail(error, `onTaskError for "${task.name}"`);
    }
  }

  #fail(error: unknown, taskName: string, cancel = true): void {
    // The body awaiting a failed child rethrows the same error: report it once.
    this.#failures ??= new Map();
    if (this.#failures.has(error)) return;
    this.#failures.set(error, taskName);
    labelFailure(error, taskName);
    if (!cancel) return;
    this.#body.cancel(
      cancellation(this.#body, "failure", { name: taskName, error }),
      "failure",
    );
  }

  #close(): void {
    // A queued task cancelled by a failure settles inside that failure's
    // bookkeeping, and may be the last: the outer call finds it closed.
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#body.close();
    this.#unfollow?.();
    this.#deadline?.clear();
    const body = this.#body;
    const outcome = nurseryOutcome({
      failures: this.#failures,
      strict: this.#options.strict,
      bodyStatus: body.status,
      bodyOutcome: body.outcome,
      origin: body.origin,
      reason: body.reason,
      fromAbove: body.fromAbove,
      aboveReason: body.aboveReason,
    });
    if (outcome.fulfilled) this.#resolve(outcome.value);
    else this.#reject(outcome.error);
    liveRoots.delete(body);
    try {
      if (instrumented) emit("nurseryClosed", this);
    } finally {
      // Last, even if the event threw (a hook that throws where
      // console.error throws too): a report that waited for this one's is
      // made now, and the watch's timer never outlives the nursery.
      this.#watchdog?.close();
    }
  }

  // V8 embeds the hidden classes of a nursery, a task, its context and its
  // controller in optimised code, weakly: a full GC while no nursery is
  // alive frees them and throws that code away (about 2x slower iterations
  // after each such GC; bench/_gc_trace.ts shows it). One of each, kept for
  // the module's lifetime, keeps them: a few hundred bytes, no event.
  static {
    // `this`, not the class name: TypeScript lowering to ES2022 renames the
    // class inside its body to an alias assigned only after the class.
    const kept = new this("(kept for V8)", DEFAULTS, undefined);
    liveRoots.delete(kept.#body);
    keptForV8.push(kept, ...keptShapes(kept, kept.#body));
  }
}

/** The nursery of the nearest task at or above `node`. */
function enclosingNursery(node: CancelNode | undefined): Nursery | undefined {
  return enclosingTask(node)?.owner as Nursery | undefined;
}
