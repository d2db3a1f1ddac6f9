// Copyright 2026 the @nursery/nursery authors. MIT license.
// The machinery behind Nursery.stream and Nursery.map: one nursery whose body
// reads the input lazily and starts one task per item, and a consumer that
// takes the results as they complete.
//
// Invariants:
// - Nothing runs before the first take(): the nursery opens there, in the
//   caller's scope, which becomes its implicit parent.
// - `#occupied` counts items read and not yet taken (running, or finished and
//   waiting, or held back for input order). The body reads a new item only
//   while it is below the limit, so a consumer that stops taking stops the
//   work, and at most `concurrency` results ever wait.
// - Once the nursery is cancelled (a failure, the outer signal, the implicit
//   parent, or close()), nothing more is delivered: take() waits for the
//   nursery to settle and throws what it rejected with. Only close() ends it
//   quietly.
// - The input iterator is closed (return()) when the body stops before the
//   input is exhausted, and not when it threw, as for...of does; the body
//   awaits that, so the nursery, and close(), settle after it. An async
//   input that is cancelled while its next() is pending is sent return() at
//   once, which unblocks a queue that waits for an item.
import { Cancelled } from "./errors.ts";
import {
  checkConcurrency,
  checkFunction,
  checkOptions,
  checkSignal,
  received,
} from "./_validate.ts";
import type { NurseryRunner } from "./_runner.ts";
import type { NurseryScope } from "./types.ts";

/** One result, with the position of its item in the input. */
export interface Delivery<R> {
  readonly index: number;
  readonly value: R;
}

/** What the function of a pipeline receives besides the item. */
export interface ItemContext {
  readonly signal: AbortSignal;
  readonly index: number;
}

/** How a pipeline runs. */
export interface PipelineOptions {
  readonly concurrency: number;
  readonly ordered: boolean;
  readonly signal: AbortSignal | undefined;
  readonly name: string;
}

type Input<T> = Iterable<T> | AsyncIterable<T>;

/**
 * The checks stream and map share, for `action`: the runner, the items, the
 * function and the options both take.
 */
export function checkPipelineArguments(
  run: unknown,
  items: unknown,
  fn: unknown,
  options: unknown,
  action: string,
): void {
  checkFunction(run, action, "run");
  checkItems(items, action);
  checkFunction(fn, action, "fn");
  checkOptions(options, action);
  const given = options as { concurrency?: unknown; signal?: unknown };
  checkConcurrency(given.concurrency, action);
  checkSignal(given.signal, action);
}

/** Throws a TypeError unless `items` is iterable or async iterable. */
export function checkItems(
  items: unknown,
  action: string,
): asserts items is Input<unknown> {
  const source = items as Partial<Input<unknown>> | null | undefined;
  if (
    typeof (source as Partial<AsyncIterable<unknown>>)?.[
        Symbol.asyncIterator
      ] !== "function" &&
    typeof (source as Partial<Iterable<unknown>>)?.[Symbol.iterator] !==
      "function"
  ) {
    throw new TypeError(
      `Cannot ${action} as 'items' must be iterable or async iterable: received ${
        received(items)
      }`,
    );
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) ||
    typeof value === "function";
}

/**
 * Closes an iterator the way for...of does when it stops early: calls its
 * `return` method if it has one and checks that the answer is an object.
 */
export async function closeIterator(
  iterator: Iterator<unknown> | AsyncIterator<unknown>,
  what: string,
): Promise<void> {
  const close: unknown = iterator.return;
  if (close === undefined || close === null) return;
  if (typeof close !== "function") {
    throw new TypeError(
      `Cannot close ${what} as its 'return' is not a function`,
    );
  }
  const result = await (close as (this: unknown) => unknown).call(iterator);
  if (!isObject(result)) {
    throw new TypeError(
      `Cannot close ${what} as its return() gave a non-object`,
    );
  }
}

/** Checks an iterator's answer to next(), as for...of does. */
export function checkStep<T>(step: unknown, what: string): IteratorResult<T> {
  if (!isObject(step)) {
    throw new TypeError(
      `Cannot read ${what} as its next() gave a non-object: received ${
        received(step)
      }`,
    );
  }
  return step as IteratorResult<T>;
}

/** The machinery of `Nursery.stream` and `Nursery.map`; see the top of this file. */
export class Pipeline<T, R> {
  readonly #run: NurseryRunner;
  readonly #items: Input<T>;
  readonly #fn: (item: T, context: ItemContext) => R | PromiseLike<R>;
  readonly #options: PipelineOptions;
  // idle: no take() yet; running: the nursery is open or its outcome is not
  // delivered; closing: close() waits for the nursery; done: nothing more.
  #state: "idle" | "running" | "closing" | "done" = "idle";
  #nursery: NurseryScope | undefined;
  #settled: Promise<void> | undefined;
  #outcome: { rejected: boolean; reason: unknown } | undefined;
  #closeReason: Cancelled | undefined;
  #occupied = 0;
  // Unordered: results in completion order. Ordered: results by index, and
  // the index to deliver next.
  #ready: Delivery<R>[] = [];
  #readyHead = 0;
  #held: Map<number, R> | undefined;
  #nextIndex = 0;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;

  constructor(
    run: NurseryRunner,
    items: Input<T>,
    fn: (item: T, context: ItemContext) => R | PromiseLike<R>,
    options: PipelineOptions,
  ) {
    this.#run = run;
    this.#items = items;
    this.#fn = fn;
    this.#options = options;
    if (options.ordered) this.#held = new Map();
  }

  /** Opens the nursery, in the caller's scope, if nothing has yet. */
  open(): void {
    if (this.#state !== "idle") return;
    this.#state = "running";
    let settled: Promise<unknown>;
    try {
      settled = Promise.resolve(
        this.#run((nursery) => this.#produce(nursery), {
          signal: this.#options.signal,
          name: this.#options.name,
        }),
      );
    } catch (error) {
      settled = Promise.reject(error);
    }
    this.#settled = settled.then(
      () => this.#settle({ rejected: false, reason: undefined }),
      (reason) => this.#settle({ rejected: true, reason }),
    );
  }

  /**
   * The next result, or `undefined` once the input is exhausted and every
   * result taken (or after close()). Throws the nursery's failure, or the
   * reason it was cancelled. Not re-entrant: callers serialize.
   */
  async take(): Promise<Delivery<R> | undefined> {
    this.open();
    for (;;) {
      if (this.#state !== "running") return undefined;
      const nursery = this.#nursery;
      const cancelled = nursery !== undefined && nursery.signal.aborted;
      if (!cancelled) {
        const next = this.#shift();
        if (next !== undefined) {
          this.#occupied--;
          this.#wake("producer");
          return next;
        }
      }
      const outcome = this.#outcome;
      if (outcome !== undefined) {
        this.#state = "done";
        if (outcome.rejected) throw outcome.reason;
        // The nursery was cancelled after its body had read the whole input
        // (from inside a call: Nursery.current()!.cancel()).
        if (cancelled) throw nursery.signal.reason;
        return undefined;
      }
      await new Promise<void>((resolve) => this.#wakeConsumer = resolve);
    }
  }

  /**
   * Stops: cancels the calls in flight, waits for them and for the input to
   * be closed, then resolves; rejects with a failure that nobody took yet.
   */
  async close(): Promise<void> {
    const state = this.#state;
    if (state === "idle" || state === "done") {
      this.#state = "done";
      return;
    }
    this.#state = "closing";
    this.#wake("consumer");
    if (this.#outcome === undefined) {
      this.#closeReason ??= new Cancelled(
        `The consumer of "${this.#options.name}" stopped reading its results`,
      );
      // Undefined only while a deeply nested start is deferred: the body then
      // sees "closing" and reads nothing.
      this.#nursery?.cancel(this.#closeReason);
    }
    await this.#settled;
    this.#state = "done";
    const outcome = this.#outcome!;
    if (outcome.rejected && outcome.reason !== this.#closeReason) {
      throw outcome.reason;
    }
  }

  #settle(outcome: { rejected: boolean; reason: unknown }): void {
    this.#outcome = outcome;
    this.#wake("consumer");
  }

  #wake(side: "consumer" | "producer"): void {
    const wake = side === "consumer" ? this.#wakeConsumer : this.#wakeProducer;
    if (side === "consumer") this.#wakeConsumer = undefined;
    else this.#wakeProducer = undefined;
    wake?.();
  }

  #shift(): Delivery<R> | undefined {
    const held = this.#held;
    if (held !== undefined) {
      const index = this.#nextIndex;
      if (!held.has(index)) return undefined;
      const value = held.get(index)!;
      held.delete(index);
      this.#nextIndex++;
      return { index, value };
    }
    const ready = this.#ready;
    if (this.#readyHead === ready.length) return undefined;
    const next = ready[this.#readyHead];
    ready[this.#readyHead++] = undefined!;
    if (this.#readyHead === ready.length) {
      this.#ready = [];
      this.#readyHead = 0;
    }
    return next;
  }

  // The nursery's body: reads the input while slots are free and starts one
  // task per item.
  async #produce(nursery: NurseryScope): Promise<void> {
    this.#nursery = nursery;
    const { signal } = nursery;
    if (this.#state !== "running") return;
    // An outer signal aborted already: read nothing, call nothing.
    signal.throwIfAborted();
    const items = this.#items;
    const async = typeof (items as Partial<AsyncIterable<T>>)[
      Symbol.asyncIterator
    ] === "function";
    const what = `the input of "${this.#options.name}"`;
    let iterator: Iterator<T> | AsyncIterator<T> | undefined;
    let open = false;
    // return() sent while an async next() was pending; see onAbort.
    let reading = false;
    let closing: Promise<void> | undefined;
    const onAbort = () => {
      this.#wake("producer");
      // An async input blocked in next() (a queue waiting for its next item)
      // may never answer: ask it to close now. An async generator queues the
      // request until its pending next() settles, so it loses nothing.
      if (reading && closing === undefined) {
        closing = closeIterator(iterator!, what);
        closing.catch(() => {}); // awaited below; handled until then
      }
    };
    signal.addEventListener("abort", onAbort);
    try {
      iterator = async
        ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
        : (items as Iterable<T>)[Symbol.iterator]();
      if (!isObject(iterator)) {
        throw new TypeError(
          `Cannot read ${what} as its iterator is not an object: received ${
            received(iterator)
          }`,
        );
      }
      open = true;
      const next = iterator.next as (this: unknown) => unknown;
      const limit = this.#options.concurrency;
      for (let index = 0;; index++) {
        while (this.#occupied >= limit && !signal.aborted) {
          await new Promise<void>((resolve) => this.#wakeProducer = resolve);
        }
        if (signal.aborted) break;
        // An iterator whose next() throws is not closed, as for...of does.
        open = false;
        let answer = next.call(iterator);
        if (async) {
          reading = true;
          try {
            answer = await answer;
          } finally {
            reading = false;
          }
        }
        const step = checkStep<T>(answer, what);
        if (step.done) break;
        open = true;
        // Read while the stream was being cancelled: dropped, never called.
        if (signal.aborted) break;
        const item = step.value;
        this.#occupied++;
        nursery.startSoon(
          ({ signal }) => this.#call(item, index, signal),
          { name: `${this.#options.name}[${index}]` },
        );
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (closing !== undefined) await closing;
      else if (open) await closeIterator(iterator!, what);
    }
    signal.throwIfAborted();
  }

  async #call(item: T, index: number, signal: AbortSignal): Promise<void> {
    const fn = this.#fn;
    const value = await fn(item, { signal, index });
    // The stream is ending: nobody will take this result.
    if (this.#nursery!.signal.aborted) return;
    if (this.#held !== undefined) this.#held.set(index, value);
    else this.#ready.push({ index, value });
    this.#wake("consumer");
  }
}
