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

// The part of Node's `process` that the function above uses.
interface NodeProcess {
  on(event: "unhandledRejection", listener: () => void): void;
  off(event: "unhandledRejection", listener: () => void): void;
}
