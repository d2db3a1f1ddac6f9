// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The errors a nursery raises on its own account.
 *
 * @module
 */

/**
 * The reason a nursery aborts its tasks' signals with when it cancels them
 * because a task failed, or because `cancel()` was called without a reason.
 *
 * Its `name` is `"AbortError"`, so code that already handles aborts
 * (`error.name === "AbortError"`) treats it as a cancellation. Its `cause`
 * is the failure that triggered it, if any. Each cancellation makes a new
 * instance, so "is this my own cancellation?" is an identity check.
 *
 * @example Telling a nursery's cancellation apart from a failure
 * ```ts
 * import { Cancelled, Nursery } from "@nursery/nursery";
 * import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
 *
 * let seen: unknown;
 * const error = await assertRejects(() =>
 *   Nursery.run((nursery) => {
 *     nursery.startSoon(({ signal }) =>
 *       new Promise((_resolve, reject) => {
 *         signal.addEventListener("abort", () => {
 *           seen = signal.reason;
 *           reject(signal.reason);
 *         });
 *       })
 *     );
 *     nursery.startSoon(() => {
 *       throw new Error("boom");
 *     });
 *   })
 * );
 * assertInstanceOf(seen, Cancelled);
 * assertEquals(seen.name, "AbortError");
 * assertEquals(seen.cause, error);
 * ```
 */
export class Cancelled extends Error {
  /** Where the cancellation came from: a failure, a timeout, an outer signal or a `cancel()` call. */
  readonly origin: CancelOrigin | undefined;
  #path: readonly string[] | (() => readonly string[]);
  /** For a failure: the name of the task that failed (`cause` is the failure). */
  readonly failedTask: string | undefined;

  /**
   * Makes a cancellation reason.
   *
   * @param message What was cancelled and why; or a function that says it
   * the first time the message is read (a nursery's own reasons do this, so
   * that a failure passing up 10,000 levels does not write 10,000 paths).
   * @param options `cause`: the failure that triggered the cancellation;
   * `origin`, `path` and `failedTask`: where it came from, as data.
   */
  constructor(
    message: string | (() => string) = "The task was cancelled",
    options?: CancelledOptions,
  ) {
    super(typeof message === "string" ? message : "", options);
    if (typeof message === "function") {
      let text: string | undefined;
      Object.defineProperty(this, "message", {
        configurable: true,
        enumerable: false,
        get: () => text ??= message(),
      });
    }
    this.name = "AbortError";
    this.origin = options?.origin;
    this.#path = options?.path ?? [];
    this.failedTask = options?.failedTask;
  }

  /** The names from the root down to the scope the cancellation started in. */
  get path(): readonly string[] {
    if (typeof this.#path === "function") this.#path = this.#path();
    return this.#path;
  }
}

/**
 * Where a cancellation came from.
 *
 * - `failure`: a task of the nursery failed;
 * - `timeout`: a deadline passed (a nursery's `timeout`, `failAfter` and kin);
 * - `outer`: an explicit `signal` option aborted;
 * - `explicit`: `cancel()` was called on a nursery or a task.
 *
 * @example Reading the origin of a nursery's cancellation
 * ```ts
 * import { Cancelled, type CancelOrigin, Nursery } from "@nursery/nursery";
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 *
 * let origin: CancelOrigin | undefined;
 * await Nursery.run((nursery) => {
 *   nursery.startSoon(({ signal }) =>
 *     new Promise<void>((resolve) => {
 *       signal.addEventListener("abort", () => {
 *         assertInstanceOf(signal.reason, Cancelled);
 *         origin = signal.reason.origin;
 *         resolve();
 *       });
 *     })
 *   );
 *   nursery.cancel();
 * }).catch(() => {});
 * assertEquals(origin, "explicit");
 * ```
 */
export type CancelOrigin = "failure" | "timeout" | "outer" | "explicit";

/** Options for the {@linkcode Cancelled} constructor. */
export interface CancelledOptions extends ErrorOptions {
  /** Where the cancellation came from. */
  origin?: CancelOrigin;
  /**
   * Names from the root down to the scope the cancellation started in, or a
   * function that gives them the first time `path` is read.
   *
   * @default {[]}
   */
  path?: readonly string[] | (() => readonly string[]);
  /** For a failure: the failing task's name. */
  failedTask?: string;
}

/**
 * Thrown by `startSoon` and `start` when the nursery has already finished:
 * a closed nursery cannot own new tasks, since nobody would wait for them.
 *
 * @example Starting a task after the nursery ended
 * ```ts
 * import { Nursery, NurseryClosedError } from "@nursery/nursery";
 * import { assertThrows } from "@std/assert";
 *
 * let escaped: Nursery | undefined;
 * await Nursery.run((nursery) => {
 *   escaped = nursery;
 * });
 * assertThrows(() => escaped!.startSoon(() => {}), NurseryClosedError);
 * ```
 */
export class NurseryClosedError extends Error {
  /**
   * Makes the error.
   *
   * @param message What could not be started.
   */
  constructor(message = "Cannot start task: nursery is closed") {
    super(message);
    this.name = "NurseryClosedError";
  }
}
