// Copyright 2026 the @nursery/nursery authors. MIT license.
import { abortsMade, abortsSeen, CancelNode } from "./_cancel_tree.ts";
import { Cancelled, type CancelOrigin } from "./errors.ts";
import { coarseNow } from "./_clock.ts";
import { callInNode, currentNode } from "./_context.ts";
import { emit, instrumented } from "./_instruments.ts";
import { liveRoots } from "./_roots.ts";
import type {
  CancelCause,
  NurseryScope,
  StartContext,
  Task,
  TaskContext,
  TaskStatus,
} from "./types.ts";

// How many task functions are being called, one inside the other, on the
// stack now; see begin().
const MAX_SYNC_DEPTH = 64;
let depth = 0;

// Tasks that ran out of stack while starting or ending, with the error, to
// fail from a fresh stack. Where the stack is exhausted even a call may
// throw, so the sites that add to these lists use plain stores, and try to
// queue the drain; if even that fails, the next task to begin queues it.
/** See above: tasks to fail from a fresh stack. */
export const stranded: TaskHandle<unknown>[] = [];
// (Drained by drainStranded, with unannounced and unrepaired below.)
/** See above: their errors, at the same positions. */
export const strandedErrors: unknown[] = [];
/** See above: `abortsMade` when each threw (see TaskHandle.#fail). */
export const strandedAborts: number[] = [];
let drainQueued = false;

/**
 * Queues the drain if anything waits for it: called where the stack has
 * unwound, as a queueDrain() that ran out of stack left it to be.
 */
function queueDrainIfWaiting(): void {
  if (
    stranded.length !== 0 || unannounced.length !== 0 ||
    unrepaired.length !== 0
  ) queueDrain();
}

/** Queues the failure of the stranded tasks, once. */
export function queueDrain(): void {
  if (drainQueued) return;
  queueMicrotask(drainStranded);
  // Only once it is queued: queueMicrotask itself may run out of stack.
  drainQueued = true;
}

// Settled tasks whose nursery is still to hear of it (see #settle), and
// those whose announcement ran out of stack half done (see announce()).
const unannounced: TaskHandle<unknown>[] = [];
const unrepaired: TaskHandle<unknown>[] = [];

function drainStranded(): void {
  drainQueued = false;
  // In the order they were stranded; the stack is fresh here.
  const tasks = stranded.splice(0);
  const errors = strandedErrors.splice(0);
  const aborts = strandedAborts.splice(0);
  tasks.forEach((task, at) => task.failToStart(errors[at], aborts[at]));
  for (const task of unannounced.splice(0)) task.announce();
  for (const task of unrepaired.splice(0)) task.repair();
}

/** The internal hooks a nursery offers its tasks, under symbol names. */
export const taskSettled: unique symbol = Symbol("taskSettled");
/** See {@linkcode taskSettled}. */
export const bodyCancelled: unique symbol = Symbol("bodyCancelled");
/** See {@linkcode taskSettled}. */
export const cancelledAt: unique symbol = Symbol("cancelledAt");
/** See {@linkcode taskSettled}. */
export const taskRepaired: unique symbol = Symbol("taskRepaired");

/** What a task handle needs of the nursery that owns it. */
export interface TaskOwner extends NurseryScope {
  /** The task settled: its status and outcome are final. */
  [taskSettled](task: TaskHandle<unknown>): void;
  /** The body's node was marked cancelled: the nursery is cancelled. */
  [bodyCancelled](): void;
  /**
   * Telling it `task` settled ran out of stack half done: it redoes what
   * may be missing and recounts its tasks from the tree.
   */
  [taskRepaired](task: TaskHandle<unknown>): void;
  /** When the nursery was cancelled (Date.now()), for the reports. */
  readonly [cancelledAt]: number;
}

/** How `start()` hears of its task's `started(value)`, or of its early end. */
export interface Startup {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The handle of one task, and its node in the cancel tree. Cheap by design,
 * since a program may start 100,000: the AbortController is made when its
 * function is called (a queued task has none), and the promise behind
 * `then` only when somebody awaits. A nursery's body is a task too, and its node is the nursery's:
 * cancelling the body's handle cancels the nursery.
 */
export class TaskHandle<T> extends CancelNode implements Task<T> {
  /** The task's name. */
  readonly name: string;
  readonly #owner: TaskOwner;
  readonly #isBody: boolean;
  #status: TaskStatus;
  #outcome: unknown;
  #startedAt: number | undefined;
  #startup: Startup | undefined;
  #promise: Promise<T> | undefined;
  #resolve: ((value: T) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(
    owner: TaskOwner,
    parent: CancelNode | undefined,
    name: string,
    shielded: boolean,
    status: "queued" | "running",
    isBody: boolean,
  ) {
    super(parent, shielded);
    this.name = name;
    this.#owner = owner;
    this.#isBody = isBody;
    this.#status = status;
  }

  /** The nursery the task belongs to. */
  get parent(): NurseryScope {
    return this.#owner;
  }

  /** The nursery, with its internal hooks. */
  get owner(): TaskOwner {
    return this.#owner;
  }

  /** Whether this is a nursery's body. */
  get isBody(): boolean {
    return this.#isBody;
  }

  /** Where the task is in its life. */
  get status(): TaskStatus {
    return this.#status;
  }

  /** Whether the task has not settled yet. */
  get live(): boolean {
    return this.#status === "queued" || this.#status === "running";
  }

  /** The outcome of a settled task: its value, error or cancellation reason. */
  get outcome(): unknown {
    return this.#outcome;
  }

  /** When the function was called (Date.now()); undefined while queued. */
  get startedAt(): number | undefined {
    return this.#startedAt;
  }

  /** Set while a task started with `start()` has not called `started()`. */
  get startup(): Startup | undefined {
    return this.#startup;
  }

  /** Hands `start()`'s promise to the task, before it runs. */
  awaitStartup(startup: Startup): void {
    this.#startup = startup;
  }

  /**
   * Cancels this task, and what it opened. On a nursery's body this cancels
   * the nursery. Does nothing once the task has settled (a body excepted:
   * its node lives as long as its nursery) or was already cancelled.
   */
  override cancel(
    reason: unknown = cancellation(this as TaskHandle<unknown>, "explicit"),
    origin: CancelOrigin = "explicit",
  ): void {
    if (this.live || this.#isBody) super.cancel(reason, origin);
  }

  protected override noteCancelled(): void {
    if (this.#isBody) this.#owner[bodyCancelled]();
  }

  protected override becameRoot(): void {
    if (this.#isBody) liveRoots.add(this as TaskHandle<unknown>);
  }

  // A queued task never runs: it ends here, cancelled with the reason.
  protected override wasCancelled(): void {
    if (this.#status === "queued") this.#settle("cancelled", this.reason);
    else if (this.#isBody && instrumented) {
      emit("nurseryCancelled", this.#owner, this.reason, startedBy(this));
    }
  }

  /**
   * Calls `fn` with the task's context (or `argument`), and `node` current
   * (`null`: the caller's, which is already right), and follows its
   * outcome. A synchronous throw, or a value returned at once, is the
   * task's outcome, never an exception here; the nursery hears of it at
   * once, or, inside another task's synchronous code, on a microtask.
   */
  begin<A = TaskContext>(
    fn: (argument: A) => unknown,
    node: CancelNode | undefined | null,
    argument?: A,
  ): void {
    this.#status = "running";
    this.#startedAt = coarseNow();
    try {
      queueDrainIfWaiting();
    } catch {
      // Out of stack: the task still starts; a shallower one queues it.
    }
    // Nurseries nest through synchronous calls (a body starts a task that
    // opens the next nursery), and a chain of a few hundred levels would
    // overflow the stack inside the bookkeeping, half done. Past a depth no
    // flat program reaches, the call starts from a fresh stack instead:
    //   const chain = (n) => Nursery.run((x) => x.startSoon(() => chain(n - 1)));
    if (depth >= MAX_SYNC_DEPTH) {
      // null meant "the caller's node": without AsyncLocalStorage the
      // microtask would lose it, so name it now.
      const here = node === null ? currentNode() : node;
      try {
        queueMicrotask(() => this.#call(fn, here, argument));
      } catch (error) {
        // Out of stack as well: the task is in the tree, so it must end, as
        // a failure, from a fresh stack. Plain stores first, as in #call.
        stranded[stranded.length] = this as TaskHandle<unknown>;
        strandedErrors[strandedErrors.length] = error;
        strandedAborts[strandedAborts.length] = abortsMade;
        try {
          queueDrain();
        } catch {
          // A shallower task queues it as the stack unwinds.
        }
      }
    } else this.#call(fn, node, argument);
  }

  #call<A>(
    fn: (argument: A) => unknown,
    node: CancelNode | undefined | null,
    argument: A | undefined,
  ): void {
    let result: unknown;
    let threw = false;
    depth++;
    try {
      // A body gets its nursery; a child, its context.
      const given = argument ??
        (this.#startup === undefined
          ? taskContext(this as TaskHandle<unknown>)
          : startContext(this as TaskHandle<unknown>)) as A;
      result = node === null ? fn(given) : callInNode(node, fn, given);
    } catch (error) {
      result = error;
      threw = true;
    } finally {
      depth--;
    }
    // A task started or settled in fn's code may have been set aside where
    // even queueing failed; the stack has unwound to here, so queue it now.
    try {
      queueDrainIfWaiting();
    } catch {
      // Still out of stack: a shallower task queues it.
    }
    if (!threw) this.follow(result);
    else if (depth <= 1) this.#fail(result);
    else {
      // Thrown inside another task's synchronous code, maybe because the
      // stack ran out: the bookkeeping may have no room left, so it runs
      // from a fresh stack. Plain stores first: even a call may throw here.
      stranded[stranded.length] = this as TaskHandle<unknown>;
      strandedErrors[strandedErrors.length] = result;
      strandedAborts[strandedAborts.length] = abortsMade;
      try {
        queueDrain();
      } catch {
        // A shallower task queues it as the stack unwinds.
      }
    }
  }

  /** Settles the task with `result`, a value or a promise-like. */
  follow(result: unknown): void {
    let then: unknown;
    try {
      // Reading `then` runs user code (a getter, a proxy trap): its throw is
      // the task's failure.
      then = (typeof result === "object" && result !== null) ||
          typeof result === "function"
        ? (result as PromiseLike<unknown>).then
        : undefined;
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (typeof then !== "function") {
      this.#settle("fulfilled", result);
      return;
    }
    // As a promise resolved with itself: it would wait for itself forever.
    if (result === this) {
      this.#fail(
        new TypeError(`Task "${this.name}" resolved with its own handle`),
      );
      return;
    }
    Promise.resolve(result as PromiseLike<unknown>).then(
      (value) => this.#settle("fulfilled", value),
      (error) => this.#fail(error, abortsSeen),
    );
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#ensurePromise().then(onfulfilled, onrejected);
  }

  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<T | R> {
    return this.#ensurePromise().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#ensurePromise().finally(onfinally);
  }

  // `aborts`: how many cancellations had aborted signals (abortsMade) when
  // the task threw or rejected, for an outcome the nursery hears of later.
  // A cancellation since then is no cause of it, so its AbortError is a
  // failure: a sibling's failure, heard of first, cancels it in between.
  //   startSoon(() => Promise.reject(failure));
  //   startSoon(() => Promise.reject(new DOMException("", "AbortError")));
  #fail(error: unknown, aborts = Infinity): void {
    if (this.abortedAfter(aborts) || !this.endsAsCancellation(error)) {
      this.#settle("rejected", error);
    } else if (
      // A shielded child's own deadline (shield({ timeout })) is a failure,
      // as under failAfter; a body's deadline is its nursery's to report.
      this.origin === "timeout" && !this.fromAbove && !this.#isBody
    ) this.#settle("rejected", this.reason);
    else this.#settle("cancelled", error);
  }

  #settle(status: TaskStatus, outcome: unknown): void {
    if (!this.live) return;
    this.#status = status;
    this.#outcome = outcome;
    // Settling inside another task's synchronous code (a task that starts a
    // task that returns at once, however deep the user's own frames go)
    // tells the nursery from a fresh stack: its bookkeeping must never run
    // out of stack half done. From a body, or a promise callback, at once.
    if (depth <= 1) {
      try {
        this.announce();
        return;
      } catch {
        // The call itself ran out of stack: nothing was told yet.
      }
    }
    unannounced[unannounced.length] = this as TaskHandle<unknown>;
    try {
      queueDrain();
    } catch {
      // A shallower task queues it as the stack unwinds.
    }
  }

  /**
   * Tells the nursery the task settled. If the stack runs out in the middle
   * of it (a body that recursed deep before starting a task that returns at
   * once), the nursery repairs its counts from the tree, from a fresh stack.
   */
  announce(): void {
    try {
      this.#announce();
    } catch {
      // Nothing the nursery calls here throws but running out of stack
      // (hooks and handlers are guarded); plain stores, as even a call may.
      unrepaired[unrepaired.length] = this as TaskHandle<unknown>;
      try {
        queueDrain();
      } catch {
        // A shallower task queues it as the stack unwinds.
      }
    }
  }

  /** Finishes an announcement cut short (see announce()). */
  repair(): void {
    this.#announceOutcome();
    this.#owner[taskRepaired](this as TaskHandle<unknown>);
  }

  #announce(): void {
    this.#announceOutcome();
    this.#owner[taskSettled](this as TaskHandle<unknown>);
  }

  // Each step may be repeated.
  #announceOutcome(): void {
    const outcome = this.#outcome;
    if (this.#status === "fulfilled") this.#resolve?.(outcome as T);
    else this.#reject?.(outcome);
    this.#resolve = this.#reject = undefined;
    // A body's node is the nursery's: it closes with the nursery.
    if (!this.#isBody) this.close();
  }

  /**
   * Fails the task with `error`, if it has not settled: its start threw
   * (the stack ran out after it was registered), or its code threw. If it
   * had settled, finishes telling its nursery.
   */
  failToStart(error: unknown, aborts: number): void {
    // It settled, and the stack ran out before its nursery heard of it, past
    // the guards, on the way out of #settle (SpiderMonkey can throw "too
    // much recursion" at a plain array store): the start failed afterwards,
    // but the outcome stands, and the nursery must still hear of it.
    if (!this.live) this.repair();
    else this.#fail(error, aborts);
  }

  /** Ends a task's startup: `started()` was called, or the task ended. */
  takeStartup(): Startup | undefined {
    const startup = this.#startup;
    this.#startup = undefined;
    return startup;
  }

  // Only the task's own scope, not its descendants': this runs at every
  // await of a handle, and a walk to the root would make deep trees slow.
  // A task that never had a scope (taskScopes: false) has no cell, and the
  // store is not read at all.
  #isInOwnScope(): boolean {
    return this.cellIfMade !== undefined && currentNode() === this;
  }

  #ensurePromise(): Promise<T> {
    if (this.#promise !== undefined) return this.#promise;
    // Awaited from inside its own scope, a task would wait for itself:
    //   const self = nursery.startSoon(async () => { await null; return self; });
    // As a promise resolved with itself, that is a TypeError.
    if (this.live && this.#isInOwnScope()) {
      return Promise.reject(
        new TypeError(`Task "${this.name}" waits for its own result`),
      );
    }
    if (this.#status === "fulfilled") {
      this.#promise = Promise.resolve(this.#outcome as T);
    } else if (!this.live) {
      // Made at the moment `then` attaches its handlers, so never unhandled.
      this.#promise = Promise.reject(this.#outcome);
    } else {
      this.#promise = new Promise<T>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      });
    }
    return this.#promise;
  }
}

/**
 * The names from the root down to `node`'s nearest task: nurseries by their
 * name (their body's), tasks by theirs; other scopes have none.
 */
export function scopePath(node: CancelNode | undefined): string[] {
  const names: string[] = [];
  for (; node !== undefined; node = node.parentNode) {
    if (node instanceof TaskHandle) names.push(node.name);
  }
  return names.reverse();
}

/**
 * The reason a nursery or a task is cancelled with when no reason is
 * given: a `Cancelled` that says, as data and in its one-line message, where
 * it came from.
 */
export function cancellation(
  task: TaskHandle<unknown>,
  origin: "explicit" | "failure",
  failed?: { name: string; error: unknown },
): Cancelled {
  // Written when first read: a failure that passes up a deep tree makes a
  // reason at every level, and most are never looked at.
  let names: string[] | undefined;
  const path = () => names ??= scopePath(task);
  const subject = task.isBody
    ? `Nursery "${task.name}"`
    : `Task "${task.name}"`;
  const why = failed === undefined
    ? "was cancelled"
    : `was cancelled because task "${failed.name}" failed`;
  return new Cancelled(
    () => `${subject} ${why} (origin: ${origin}; at ${path().join(" > ")})`,
    failed === undefined
      ? { origin, path }
      : { origin, path, failedTask: failed.name, cause: failed.error },
  );
}

/**
 * The `context` a task function receives: plain data, so that it survives a
 * spread (`fetch(url, { ...context, headers })` is still cancelled). The
 * signal is made here for that: a getter would cost a closure per task,
 * more than the controller it saves for tasks that never read it.
 */
function taskContext(task: TaskHandle<unknown>): TaskContext {
  return { name: task.name, signal: task.signal };
}

/** The context of a task started with `start()`: it also has `started`. */
function startContext(task: TaskHandle<unknown>): StartContext<unknown> {
  return {
    name: task.name,
    signal: task.signal,
    // Works detached, and survives `{ ...context }`, as the rest does.
    started(value?: unknown) {
      const startup = task.takeStartup();
      if (startup === undefined) {
        throw new Error(
          `Cannot call started() for task "${task.name}": it was already called, or the task has ended`,
        );
      }
      startup.resolve(value);
    },
  };
}

/**
 * One task of `owner` under `body`, with its context, signal and cell, made
 * only to be kept alive (see Nursery's static block).
 */
export function keptShapes(owner: TaskOwner, body: CancelNode): unknown[] {
  const task = new TaskHandle(owner, body, "(kept)", false, "running", false);
  const context = taskContext(task);
  return [task, context, context.signal, task.cell];
}

/** Where the cancellation that reached `node` started, for instruments. */
export function startedBy(node: CancelNode): CancelCause {
  let from: CancelNode | undefined = node;
  while (from?.origin === "parent") from = from.parentNode;
  // An enclosing node always started it, so `from` is found; "explicit"
  // covers a tree torn down in between.
  return {
    origin: from?.origin ?? "explicit",
    inherited: node.origin === "parent",
  };
}

/** Ends a start() whose task ended before started(): rejects it with why. */
export function settleStartup(
  task: TaskHandle<unknown>,
  startup: Startup,
): void {
  if (task.status === "rejected") startup.reject(task.outcome);
  else if (task.isCancelled) startup.reject(task.reason);
  else {
    startup.reject(
      new Error(
        `Cannot start task "${task.name}": it returned without calling started()`,
      ),
    );
  }
}

/** The nearest task at or above `node`. */
export function enclosingTask(
  node: CancelNode | undefined,
): TaskHandle<unknown> | undefined {
  while (node !== undefined && !(node instanceof TaskHandle)) {
    node = node.parentNode;
  }
  return node;
}
