// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode anyWith}, behind `Nursery.any`: the first success wins, the
 * others are cancelled and waited for; optionally staggered (happy eyeballs,
 * RFC 8305).
 *
 * This module does not import the nursery: `Nursery.any(contenders)` is
 * `anyWith(Nursery.run, contenders)`.
 *
 * @module
 */
import { Cancelled } from "./errors.ts";
import { MultiError } from "./multi_error.ts";
import { checkStep, closeIterator } from "./_pipeline.ts";
import type { NurseryRunner } from "./_runner.ts";
import type { NurseryScope } from "./types.ts";
import {
  checkDuration,
  checkFunction,
  checkOptions,
  checkSignal,
  received,
} from "./_validate.ts";

export type { NurseryRunner } from "./_runner.ts";
export type { NurseryScope } from "./types.ts";

// setTimeout stores its delay in 32 bits; longer waits are re-armed in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Options for `Nursery.any`.
 *
 * @example Staggered attempts
 * ```ts
 * import { Nursery, type NurseryAnyOptions } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const options: NurseryAnyOptions = { stagger: 250 };
 * assertEquals(await Nursery.any([() => "first"], options), "first");
 * ```
 */
export interface NurseryAnyOptions {
  /**
   * Start the contenders one after another (happy eyeballs, RFC 8305;
   * asyncio's `staggered_race`): contender k+1 starts when contender k fails,
   * or this many milliseconds after k started, whichever comes first.
   * `Infinity` starts the next one only when the previous one failed; `0`
   * starts them all at once.
   *
   * @default {0}
   */
  stagger?: number;
  /**
   * Outer cancellation: when it aborts, every contender is cancelled and
   * `any` rejects with its reason.
   */
  signal?: AbortSignal;
}

/**
 * What a contender of `Nursery.any` receives.
 *
 * @example A contender that knows its rank
 * ```ts
 * import { type AnyContext, Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const contender = ({ index, signal }: AnyContext) =>
 *   signal.aborted ? "late" : `contender ${index}`;
 * assertEquals(await Nursery.any([contender]), "contender 0");
 * ```
 */
export interface AnyContext {
  /** Aborted when the race is decided (another contender won) or cancelled. */
  readonly signal: AbortSignal;
  /** The contender's position in the list. */
  readonly index: number;
}

/**
 * One way to get the result `Nursery.any` races for.
 *
 * @typeParam R The result.
 *
 * @example A list of contenders
 * ```ts
 * import { type Contender, Nursery } from "@nursery/nursery";
 * import { delay } from "@std/async";
 * import { assertEquals } from "@std/assert";
 *
 * const mirrors: Contender<string>[] = ["eu", "us"].map((name, rank) => async ({ signal }) => {
 *   await delay(10 * (2 - rank), { signal });
 *   return name;
 * });
 * assertEquals(await Nursery.any(mirrors), "us");
 * ```
 */
export type Contender<R> = (context: AnyContext) => R | PromiseLike<R>;

/**
 * Runs each contender as a task of a nursery opened with `run`, and resolves
 * with the first value one fulfils, after cancelling the others and waiting
 * for them. `Nursery.any` is this with `Nursery.run`.
 *
 * A contender that fails ends only itself: the others go on. If every
 * contender fails, `any` rejects with a {@linkcode MultiError} of their
 * failures in input order (an `AggregateError`, as `Promise.any` rejects
 * with), also when there is only one. An empty list rejects at once with an
 * empty `MultiError` that says so. The contenders are read lazily from the
 * iterable, each when its turn comes (a generator of attempts works), and the
 * iterable is closed when a winner is found before it is exhausted.
 *
 * A contender that fulfils after another won (it ignored its signal) is
 * dropped: if its value holds a resource, such as a connection, the
 * contender must release it when it sees its signal aborted. A contender's
 * failure after the race was decided is not reported. An outer signal (or
 * the implicit parent scope) that aborts cancels every contender and `any`
 * rejects with its reason; if it is already aborted, no contender is called.
 *
 * @typeParam R The result.
 * @param run Opens the nursery: `Nursery.run`, or a wrapper around it.
 * @param contenders The functions to race, each receiving `{ signal, index }`.
 * @param options The stagger delay and an outer signal.
 * @returns The winner's value.
 * @throws {MultiError} (as a rejection) If every contender failed, or there
 * was none.
 * @throws {TypeError} (as a rejection) If `contenders` is not iterable, one
 * of them is not a function (read lazily: the others are then cancelled), or
 * an option has the wrong type.
 * @throws {RangeError} (as a rejection) If `stagger` is negative or `NaN`.
 *
 * @example The first mirror that answers, through a custom runner
 * ```ts
 * import { Nursery } from "@nursery/nursery";
 * import { anyWith } from "@nursery/nursery/any";
 * import { assertEquals } from "@std/assert";
 *
 * const reply = await anyWith(
 *   (body, options) => Nursery.run(body, { ...options, slowCancelAfter: 100 }),
 *   [() => Promise.reject(new Error("down")), () => "up"],
 * );
 * assertEquals(reply, "up");
 * ```
 */
export async function anyWith<R>(
  run: NurseryRunner,
  contenders: Iterable<Contender<R>>,
  options: NurseryAnyOptions = {},
): Promise<R> {
  const action = "race contenders";
  checkFunction(run, action, "run");
  if (
    typeof (contenders as Partial<Iterable<unknown>> | null)?.[
      Symbol.iterator
    ] !== "function"
  ) {
    throw new TypeError(
      `Cannot ${action} as 'contenders' must be iterable: received ${
        received(contenders)
      }`,
    );
  }
  checkOptions(options, action);
  checkSignal(options.signal, action);
  if (options.stagger !== undefined) {
    checkDuration(options.stagger, action, "options.stagger");
  }
  const { stagger = 0, signal } = options;
  const race = new Race(contenders, stagger);
  const outcome = await run((nursery) => race.run(nursery), {
    signal,
    name: "any",
  });
  if (outcome.won) return outcome.value;
  throw outcome.failures.length === 0
    ? new MultiError([], "Cannot pick a winner: there were no contenders")
    : new MultiError(outcome.failures);
}

type Outcome<R> =
  | { won: true; value: R }
  | { won: false; failures: unknown[] };

// The body of the race's nursery. Contender k+1 waits only for contender k
// (its failure or its stagger delay), as in asyncio's staggered_race and
// trio's open_tcp_stream.
class Race<R> {
  readonly #contenders: Iterable<Contender<R>>;
  readonly #stagger: number;
  #winner: { value: R } | undefined;
  #failures: unknown[] = [];
  #running = 0;
  #decided = false;
  #wake: (() => void) | undefined;

  constructor(contenders: Iterable<Contender<R>>, stagger: number) {
    this.#contenders = contenders;
    this.#stagger = stagger;
  }

  async run(nursery: NurseryScope): Promise<Outcome<R>> {
    const { signal } = nursery;
    // An outer signal aborted already: no contender is called.
    signal.throwIfAborted();
    const what = "the contenders";
    const onAbort = () => {
      this.#decided = true;
      this.#wakeNow();
    };
    signal.addEventListener("abort", onAbort);
    let timer: Timer | undefined;
    let iterator: Iterator<Contender<R>> | undefined;
    let open = false;
    try {
      iterator = this.#contenders[Symbol.iterator]();
      open = true;
      for (let index = 0; !this.#decided; index++) {
        open = false;
        const step = checkStep(iterator.next(), what);
        if (step.done) break;
        open = true;
        const value: unknown = step.value;
        if (typeof value !== "function") {
          throw new TypeError(
            `Cannot race contenders as 'contenders[${index}]' must be a function: received ${
              received(value)
            }`,
          );
        }
        const contender = value as Contender<R>;
        const attempt = { failed: false };
        this.#running++;
        nursery.startSoon(
          ({ signal }) => this.#attempt(contender, index, signal, attempt),
          { name: `any[${index}]` },
        );
        if (this.#stagger === 0) continue;
        // The next one starts when this one fails, or when its delay passes.
        let due = false;
        timer = new Timer(this.#stagger, () => {
          due = true;
          this.#wakeNow();
        });
        while (!due && !attempt.failed && !this.#decided) await this.#sleep();
        timer.clear();
      }
      // Every contender has started: wait for a winner, or for all to fail.
      while (!this.#decided && this.#running > 0) await this.#sleep();
    } finally {
      signal.removeEventListener("abort", onAbort);
      timer?.clear();
      if (open) await closeIterator(iterator!, what);
    }
    if (this.#winner !== undefined) {
      nursery.cancel(new Cancelled("Another contender won the race"));
      return { won: true, value: this.#winner.value };
    }
    signal.throwIfAborted();
    return { won: false, failures: this.#failures };
  }

  async #attempt(
    contender: Contender<R>,
    index: number,
    signal: AbortSignal,
    attempt: { failed: boolean },
  ): Promise<void> {
    try {
      const value = await contender({ signal, index });
      if (!this.#decided) {
        this.#decided = true;
        this.#winner = { value };
      }
    } catch (error) {
      // After the race is decided, losers end as they may: not reported.
      if (!this.#decided) {
        this.#failures[index] = error;
        attempt.failed = true;
      }
    } finally {
      this.#running--;
      this.#wakeNow();
    }
  }

  #sleep(): Promise<void> {
    return new Promise((resolve) => this.#wake = resolve);
  }

  #wakeNow(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

// A timeout of any length up to Infinity (which never fires), re-armed in
// steps that setTimeout can hold.
class Timer {
  #id: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, onFire: () => void) {
    if (ms === Infinity) return;
    let remaining = ms;
    const arm = () => {
      if (remaining <= 0) {
        this.#id = undefined;
        onFire();
        return;
      }
      const step = Math.min(remaining, MAX_TIMER_MS);
      remaining -= step;
      this.#id = setTimeout(arm, step);
    };
    arm();
  }

  clear(): void {
    if (this.#id !== undefined) clearTimeout(this.#id);
    this.#id = undefined;
  }
}
