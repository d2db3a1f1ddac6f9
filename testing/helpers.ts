// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * What the test files share: task functions and counters.
 *
 * @module
 */
import { delay } from "@std/async";
import type { TaskContext } from "../mod.ts";

const AN_HOUR = 60 * 60 * 1_000;

/**
 * The heap in use after full garbage collections; needs `deno test
 * --v8-flags=--expose-gc`, which the test task passes.
 */
export function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new Error("the test task runs deno test with --v8-flags=--expose-gc");
  }
  for (let i = 0; i < 3; i++) gc();
  return Deno.memoryUsage().heapUsed;
}

/**
 * A task that sleeps (honouring its signal) until it is cancelled, tells
 * `onCancel` why, and rethrows, as a well-behaved task does.
 */
export function untilCancelled(
  onCancel: (reason: unknown, context: TaskContext) => void,
): (context: TaskContext) => Promise<void> {
  return async (context) => {
    try {
      await delay(AN_HOUR, context);
    } catch (reason) {
      onCancel(reason, context);
      throw reason;
    }
  };
}

/** Listener bookkeeping on one signal, as counted by {@linkcode countListeners}. */
export interface ListenerCount {
  /** How many were added. */
  added: number;
  /** How many were removed. */
  removed: number;
}

/**
 * Counts the listeners added to and removed from `signal` from now on, by
 * wrapping the two methods on that one object.
 */
export function countListeners(signal: AbortSignal): ListenerCount {
  const count = { added: 0, removed: 0 };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    count.added++;
    add(...args);
  }) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    count.removed++;
    remove(...args);
  }) as typeof remove;
  return count;
}

/** Unhandled rejections seen while it is in scope. */
export interface UnhandledRejections extends Disposable {
  /** How many were reported so far. */
  readonly count: number;
}

/**
 * Counts `unhandledrejection` events (and keeps them from failing the test
 * on their own, so the test's assertion says what happened) until disposed:
 * `using unhandled = countUnhandledRejections();`.
 */
export function countUnhandledRejections(): UnhandledRejections {
  let count = 0;
  const onUnhandled = (event: PromiseRejectionEvent) => {
    count++;
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  return {
    get count() {
      return count;
    },
    [Symbol.dispose]() {
      globalThis.removeEventListener("unhandledrejection", onUnhandled);
    },
  };
}

/** The part of `FakeTime` that {@linkcode advanceUntilSettled} drives. */
export interface FakeClock {
  /** Advances to the next due timer(s); false if there is none. */
  next(): boolean;
  /** Lets pending promise callbacks run. */
  runMicrotasks(): Promise<void>;
}

/**
 * Drives the fake clock, one due timer at a time with promise callbacks run
 * in between, until `promise` settles (std's `advanceUntilComplete`), and
 * returns it. Throws if no timer is left while it is still pending.
 */
export async function advanceUntilSettled<T>(
  time: FakeClock,
  promise: Promise<T>,
): Promise<T> {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  for (;;) {
    await time.runMicrotasks();
    if (settled) return promise;
    if (!time.next()) throw new Error("No timer left, and it has not settled");
  }
}
