// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * What the test files share: task functions and counters.
 *
 * @module
 */
import { delay } from "@std/async";
import { Nursery, type NurseryRunOptions, type TaskContext } from "../mod.ts";

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

// Taken before any test installs FakeTime, so macrotask turns stay real.
const realSetTimeout = globalThis.setTimeout;

/** Resolves when `signal` aborts (at once if it has), with its reason; no timer. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(signal.reason), {
      once: true,
    })
  );
}

/** How a promise ended, or that it had not within the turns allowed. */
export type Outcome =
  | { settled: false }
  | { settled: true; ok: true; value: unknown }
  | { settled: true; ok: false; error: unknown };

/**
 * Lets up to `turns` real macrotask turns pass (FakeTime or not) and says how
 * `promise` ended by then: a test that must prove "run always settles" cannot
 * simply await it, since a hang would leave the test pending forever.
 */
export async function outcomeWithin(
  promise: PromiseLike<unknown>,
  turns = 50,
): Promise<Outcome> {
  let outcome: Outcome = { settled: false };
  Promise.resolve(promise).then(
    (value) => outcome = { settled: true, ok: true, value },
    (error) => outcome = { settled: true, ok: false, error },
  );
  for (let turn = 0; turn < turns && !outcome.settled; turn++) {
    await new Promise((resolve) => realSetTimeout(resolve, 0));
  }
  return outcome;
}

/** Values a task can throw or return that break naive bookkeeping; fresh each call. */
export function hostileValues(): [string, unknown][] {
  const getterThrows = () => {
    throw new Error("getter threw");
  };
  const errorWith = (key: string) =>
    Object.defineProperty(new Error(`its ${key} getter throws`), key, {
      get: getterThrows,
    });
  const objectWith = (key: string) =>
    Object.defineProperty({}, key, { get: getterThrows, enumerable: true });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const revokedError = Proxy.revocable(new Error("revoked"), {});
  revokedError.revoke();
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  a.cause = b;
  return [
    ["a null-prototype object", Object.create(null)],
    ["an Error whose name getter throws", errorWith("name")],
    ["an Error whose message getter throws", errorWith("message")],
    ["an Error whose cause getter throws", errorWith("cause")],
    ["an Error whose stack getter throws", errorWith("stack")],
    ["an object whose name getter throws", objectWith("name")],
    ["an object whose then getter throws", objectWith("then")],
    ["a revoked proxy", revoked.proxy],
    ["a revoked proxy of an Error", revokedError.proxy],
    ["a symbol", Symbol("hostile")],
    ["an Error with a cyclic cause", a],
    ["a thenable that throws from then", {
      then() {
        throw new Error("then threw");
      },
    }],
  ];
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
 * Counts unhandled rejections (and keeps them from failing the test on their
 * own, so the test's assertion says what happened) until disposed:
 * `using unhandled = countUnhandledRejections();`. Listens for the
 * `unhandledrejection` event where the global scope has one (Deno, Bun,
 * browsers, workerd), and on `process` where it has not (Node).
 */
export function countUnhandledRejections(): UnhandledRejections {
  let count = 0;
  const onEvent = (event: PromiseRejectionEvent) => {
    count++;
    event.preventDefault();
  };
  const onProcess = () => count++;
  const node = (globalThis as { process?: NodeProcess }).process;
  const useEvent = typeof globalThis.addEventListener === "function";
  if (useEvent) globalThis.addEventListener("unhandledrejection", onEvent);
  else node?.on("unhandledRejection", onProcess);
  return {
    get count() {
      return count;
    },
    [Symbol.dispose]() {
      if (useEvent) {
        globalThis.removeEventListener("unhandledrejection", onEvent);
      } else node?.off("unhandledRejection", onProcess);
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

// The part of Node's `process` that countUnhandledRejections() uses.
interface NodeProcess {
  on(event: "unhandledRejection", listener: () => void): void;
  off(event: "unhandledRejection", listener: () => void): void;
}

/** The class of error this engine throws when the stack runs out. */
export function stackOverflowClass(): new (...args: never[]) => Error {
  const recurse = (): number => recurse() + 1;
  try {
    recurse();
  } catch (error) {
    return (error as Error).constructor as new (...args: never[]) => Error;
  }
  throw new Error("unreachable: unbounded recursion returned");
}

/** Makes queueMicrotask throw, as an exhausted stack does; returns the undo. */
export function refuseMicrotasks(): () => void {
  const queue = globalThis.queueMicrotask;
  globalThis.queueMicrotask = () => {
    throw new RangeError("Maximum call stack size exceeded");
  };
  return () => {
    globalThis.queueMicrotask = queue;
  };
}

/** A nursery opened by {@linkcode stuckNursery}, and its `run()`. */
export interface StuckNursery {
  nursery: Nursery;
  /** Settles once its task is released; a rejection is dropped. */
  result: Promise<void>;
}

/**
 * Opens a nursery with `options` whose one task ignores its signal until it
 * is released: it pushes its release function on `releases`. Cancelled, the
 * nursery stays cancelling, the case the slow-cancel report is for.
 */
export function stuckNursery(
  options: NurseryRunOptions,
  releases: (() => void)[],
): StuckNursery {
  let nursery: Nursery | undefined;
  const result = Nursery.run((n) => {
    nursery = n;
    n.startSoon(() => new Promise<void>((resolve) => releases.push(resolve)));
  }, options).catch(() => {});
  return { nursery: nursery!, result };
}

/** What {@linkcode recordWarnings} collected; disposing it restores console.warn. */
export interface RecordedWarnings extends Disposable {
  /** Each message, as `${Date.now()}: message`. */
  lines: string[];
}

/** Replaces console.warn with a recorder, until the result is disposed. */
export function recordWarnings(): RecordedWarnings {
  const warn = console.warn;
  const lines: string[] = [];
  console.warn = (message: string) => lines.push(`${Date.now()}: ${message}`);
  return {
    lines,
    [Symbol.dispose]() {
      console.warn = warn;
    },
  };
}

/** The stuck task paths a slow-cancel message names (the first 10). */
export function stuckPathsOf(message: string): string[] {
  const marker = "(do they ignore their signal?): ";
  const paths = message.slice(message.indexOf(marker) + marker.length);
  return paths.replace(/; and \d+ more$/, "").split("; ");
}
