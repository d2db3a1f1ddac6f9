// Copyright 2026 the @nursery/nursery authors. MIT license.
import { Cancelled } from "./errors.ts";
import { isCancellation } from "./_is_cancellation.ts";
import { callInScope, type Scope } from "./_context.ts";
import { callBounded } from "./_trampoline.ts";
import type { Nursery } from "./nursery.ts";
import type { Task, TaskContext, TaskStatus } from "./task.ts";

/** Told once when a task settles; the owning nursery does its bookkeeping here. */
export type SettledListener = (task: TaskHandle<unknown>) => void;

/**
 * The handle of one task. Cheap by design, since a program may start 100,000:
 * the AbortController is made only when somebody reads `signal` (a trivial
 * task never does), and the promise behind `then` only when somebody awaits.
 */
export class TaskHandle<T> implements Task<T>, Scope {
  readonly name: string;
  /** The nursery the task belongs to. */
  readonly parent: Nursery;
  /**
   * When the function was called, on the Date.now() clock; undefined until
   * then (a queued task, or one cancelled before it could start).
   */
  startedAt: number | undefined;
  /**
   * Nurseries opened inside this task and still open, for `tree()`. Those
   * opened directly in it come with what cancels them: the task cancels them
   * itself when its signal aborts (no listener on the signal, and no
   * AbortController made just for them). Those opened in a scope within it
   * (a timeout's, a shield's) have `null`: that scope decides.
   */
  nurseries: Map<Nursery, ((reason: unknown) => void) | null> | undefined;
  /** Not aborted when its nursery cancels, only by `cancel()` on the task itself. */
  readonly shielded: boolean;
  #status: TaskStatus;
  #onSettled: SettledListener;
  #controller: AbortController | undefined;
  #cancelRequested = false;
  #cancelReason: unknown;
  // Reasons sent after the first (the nursery cancelling a task that was
  // already cancelled on its own): rejecting with one is a cancellation too.
  #laterReasons: unknown[] | undefined;
  #outcome: unknown;
  #promise: Promise<T> | undefined;
  /** Set while a task started with `start()` has not called `started()`. */
  startup: Startup | undefined;
  #resolve: ((value: T) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(
    name: string,
    parent: Nursery,
    shielded: boolean,
    onSettled: SettledListener,
    queued = false,
  ) {
    this.name = name;
    this.parent = parent;
    this.shielded = shielded;
    this.#onSettled = onSettled;
    this.#status = queued ? "queued" : "running";
  }

  get status(): TaskStatus {
    return this.#status;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#cancelRequested) this.#controller.abort(this.#cancelReason);
    }
    return this.#controller.signal;
  }

  /** A task is its own innermost task scope. */
  get task(): TaskHandle<unknown> {
    return this as TaskHandle<unknown>;
  }

  /** Whether the task has not settled yet. */
  get live(): boolean {
    return this.#status === "queued" || this.#status === "running";
  }

  cancel(reason: unknown = new Cancelled()): void {
    if (!this.live) return;
    if (this.#cancelRequested) {
      if (reason !== this.#cancelReason) {
        (this.#laterReasons ??= []).push(reason);
      }
      return;
    }
    // A queued task never runs: it ends here, cancelled with the reason.
    if (this.#status === "queued") {
      this.#cancelRequested = true;
      this.#cancelReason = reason;
      this.#settle("cancelled", reason);
    } else this.abortSignal(reason);
  }

  /**
   * Aborts the task's signal with `reason`, once, whether or not the task has
   * settled. A nursery's body needs this: its signal is the nursery's, the
   * parent of scopes opened inside it, and must abort with the nursery even
   * after the body returned.
   */
  abortSignal(reason: unknown): void {
    if (this.#cancelRequested) return;
    this.#cancelRequested = true;
    this.#cancelReason = reason;
    this.#controller?.abort(reason);
    this.#cancelNested(reason);
  }

  /** The signal, if somebody has read it already (never makes it). */
  get signalIfMade(): AbortSignal | undefined {
    return this.#controller?.signal;
  }

  /** The reason the task's signal was aborted with, once it has been. */
  get abortReason(): unknown {
    return this.#controller?.signal.reason ?? this.#cancelReason;
  }

  /** Whether the task's signal has been aborted (without making it). */
  get aborted(): boolean {
    return this.#cancelRequested || (this.#controller?.signal.aborted ?? false);
  }

  /**
   * Aborts the signal without a cancellation request: a deadline's doing,
   * so that the task's ending is a failure (its TimeoutError), not a
   * cancellation.
   */
  expire(reason: unknown): void {
    if (this.signal.aborted) return;
    this.#controller!.abort(reason);
    this.#cancelNested(reason);
  }

  #cancelNested(reason: unknown): void {
    if (this.nurseries === undefined) return;
    // Each level may cancel the next: bounded, so deep trees cannot overflow.
    for (const cancel of this.nurseries.values()) {
      if (cancel !== null) callBounded(cancel, reason);
    }
  }

  /**
   * Calls `fn(argument)` and follows its outcome. A synchronous throw, or a
   * value returned at once, is the task's outcome, never an exception here.
   * `scope` (by default the task itself) is the current scope for `fn`'s code.
   */
  begin<A>(
    fn: (argument: A) => T | PromiseLike<T>,
    argument: A,
    scope: Scope | null = this as TaskHandle<unknown>,
  ): void {
    this.#status = "running";
    this.startedAt = Date.now();
    let result: T | PromiseLike<T>;
    try {
      // `scope` is current for all of fn's code, its awaits included; null
      // means fn runs in the caller's, which is already the right one.
      result = scope === null ? fn(argument) : callInScope(scope, fn, argument);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (isPromiseLike(result)) {
      Promise.resolve(result).then(
        (value) => this.#settle("fulfilled", value),
        (error) => this.#fail(error),
      );
    } else {
      this.#settle("fulfilled", result);
    }
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

  /** The outcome of a settled task: its value, error or cancellation reason. */
  get outcome(): unknown {
    return this.#outcome;
  }

  #fail(error: unknown): void {
    const cancelled = this.#cancelRequested &&
      (isCancellation(error, this.#cancelReason) ||
        (this.#laterReasons?.includes(error) ?? false));
    this.#settle(cancelled ? "cancelled" : "rejected", error);
  }

  #settle(status: TaskStatus, outcome: unknown): void {
    this.#status = status;
    this.#outcome = outcome;
    if (status === "fulfilled") this.#resolve?.(outcome as T);
    else this.#reject?.(outcome);
    this.#resolve = this.#reject = undefined;
    this.#onSettled(this as TaskHandle<unknown>);
  }

  #ensurePromise(): Promise<T> {
    if (this.#promise !== undefined) return this.#promise;
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

/** How `start()` hears of its task's `started(value)`, or of its early end. */
export interface Startup {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The `context` a task function receives; `signal` stays lazy. */
export class TaskContextImpl implements TaskContext {
  readonly #task: TaskHandle<unknown>;
  constructor(task: TaskHandle<unknown>) {
    this.#task = task;
  }
  get signal(): AbortSignal {
    return this.#task.signal;
  }
  get name(): string {
    return this.#task.name;
  }
}

/** The context of a task started with `start()`: it also has `started`. */
export class StartContextImpl extends TaskContextImpl {
  // An own property, so `started` works detached and survives `{ ...context }`.
  readonly started: (value?: unknown) => void;
  constructor(task: TaskHandle<unknown>) {
    super(task);
    this.started = (value) => {
      const startup = task.startup;
      if (startup === undefined) {
        throw new Error(
          `Cannot call started() for task "${task.name}": it was already called, or the task has ended`,
        );
      }
      task.startup = undefined;
      startup.resolve(value);
    };
  }
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return (typeof value === "object" || typeof value === "function") &&
    value !== null && typeof (value as PromiseLike<T>).then === "function";
}
