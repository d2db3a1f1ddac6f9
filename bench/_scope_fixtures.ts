// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The floors that issues #10 and #12 measure the library against, and the
 * library's side of the same shapes, written against the public API only.
 *
 * - The *untracked floor*: one AbortController per child in a Set, linked to
 *   a parent controller by ONE listener (`floor` in `_fixtures.ts`).
 * - The *tracked floor*: the same, plus one `AsyncLocalStorage.run` per child
 *   with a small store (the child's signal), which is what an implicit scope
 *   per task cannot avoid paying on this platform.
 *
 * Every nursery here passes `taskScopes` explicitly, at the root only (nested
 * nurseries inherit it): `true` is "default mode" (a scope per task, the new
 * core's default) and `false` the opt-out, so a bench means the same on the
 * current core (whose default is a scope per nursery) and on the new one.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Nursery, type Task } from "../mod.ts";
import { AN_HOUR, floor, sleepFor } from "./_fixtures.ts";

/** The child of every spawn-and-join here: it reads its signal after an await. */
export async function readsSignal(signal: AbortSignal): Promise<boolean> {
  await null;
  return signal.aborted;
}

/** The same child, in the shape a task function takes. */
export function taskReadsSignal(
  { signal }: { signal: AbortSignal },
): Promise<boolean> {
  return readsSignal(signal);
}

/**
 * The floors' own storage: a different instance from the library's, as
 * another library's would be.
 */
export const storage: AsyncLocalStorage<AbortSignal> = new AsyncLocalStorage<
  AbortSignal
>();

type Child = (signal: AbortSignal, index: number) => Promise<unknown>;

/** Runs `child` with its own signal as the current store: one `run` per child. */
export function tracked(child: Child): Child {
  return (signal, index) => storage.run(signal, child, signal, index);
}

// --- spawn-and-join, children read their signal ------------------------------

export function floorSpawnJoin(n: number): Promise<void> {
  return floor(n, readsSignal);
}

const trackedReadsSignal = tracked(readsSignal);
export function trackedFloorSpawnJoin(n: number): Promise<void> {
  return floor(n, trackedReadsSignal);
}

/**
 * The tracked floor started from inside an AsyncLocalStorage context, as a
 * nursery's children always are (from its body's scope), and as a request
 * handler's are wherever the server runs in one: Deno copies the current
 * context mapping in every `run`, and a non-empty one costs more to copy.
 */
export function trackedFloorInContextSpawnJoin(n: number): Promise<void> {
  const outer = new AbortController().signal;
  return storage.run(outer, () => floor(n, trackedReadsSignal));
}

export function nurserySpawnJoin(
  n: number,
  taskScopes: boolean,
): Promise<void> {
  return Nursery.run((nursery) => {
    for (let i = 0; i < n; i++) nursery.startSoon(taskReadsSignal);
  }, { taskScopes });
}

// --- the same, then `await Promise.all(handles)` in the body -----------------

// The floor's body awaits its children while they run, not after the join:
// the children settle while the body is suspended in `await Promise.all`.
export async function floorAwaitAll(
  n: number,
  isTracked: boolean,
): Promise<void> {
  const child = isTracked ? trackedReadsSignal : readsSignal;
  const promises: Promise<unknown>[] = [];
  const joined = floor(n, (signal, index) => {
    const promise = child(signal, index);
    promises.push(promise);
    return promise;
  });
  await Promise.all(promises);
  await joined;
}

/** The same floor started from inside a context, as a body's children are. */
export function trackedFloorInContextAwaitAll(n: number): Promise<void> {
  const outer = new AbortController().signal;
  return storage.run(outer, () => floorAwaitAll(n, true));
}

export function nurseryAwaitAll(n: number, taskScopes: boolean): Promise<void> {
  return Nursery.run(async (nursery) => {
    const handles: Task<boolean>[] = [];
    for (let i = 0; i < n; i++) {
      handles.push(nursery.startSoon(taskReadsSignal));
    }
    await Promise.all(handles);
  }, { taskScopes });
}

// --- nesting -----------------------------------------------------------------

/** A chain of `depth` nurseries, each opened inside a task of the one above. */
export function nurseryChain(
  depth: number,
  taskScopes: boolean,
): Promise<number> {
  const level = (remaining: number): Promise<number> =>
    Nursery.run(async (nursery) => {
      if (remaining === 0) return 0;
      return 1 + await nursery.startSoon(() => level(remaining - 1));
    });
  return Nursery.run(() => level(depth), { taskScopes });
}

/**
 * Linked controllers: each level a controller linked to its parent's signal by
 * one listener; `isTracked` adds one `AsyncLocalStorage.run` per level.
 */
export function floorChain(
  depth: number,
  isTracked: boolean,
  parent?: AbortSignal,
): Promise<number> {
  const controller = new AbortController();
  const abort = () => controller.abort(parent!.reason);
  parent?.addEventListener("abort", abort, { once: true });
  const below = () => floorChain(depth - 1, isTracked, controller.signal);
  const result = depth === 0
    ? Promise.resolve(0)
    : (isTracked ? storage.run(controller.signal, below) : below())
      .then((n) => n + 1);
  return result.finally(() => parent?.removeEventListener("abort", abort));
}

/** A tree of nurseries `depth` deep, each task opening one with `fanOut` children. */
export function nurseryTree(
  depth: number,
  fanOut: number,
  taskScopes: boolean,
): Promise<number> {
  const level = (depth: number): Promise<number> =>
    Nursery.run(async (nursery) => {
      if (depth === 0) return 1;
      const children = [];
      for (let i = 0; i < fanOut; i++) {
        children.push(nursery.startSoon(() => level(depth - 1)));
      }
      let leaves = 0;
      for (const child of children) leaves += await child;
      return leaves;
    });
  return Nursery.run(() => level(depth), { taskScopes });
}

/** The floor's tree: `floor` at every level, tracked or not. */
export async function floorTree(
  depth: number,
  fanOut: number,
  isTracked: boolean,
): Promise<number> {
  if (depth === 0) return 1;
  let leaves = 0;
  const child: Child = () =>
    floorTree(depth - 1, fanOut, isTracked).then((n) => void (leaves += n));
  await floor(fanOut, isTracked ? tracked(child) : child);
  return leaves;
}

// --- fail-fast and fan-out with the mode explicit ----------------------------

const failure = new Error("one child failed");
function failSoon(): Promise<never> {
  return Promise.resolve().then(() => {
    throw failure;
  });
}

/** Resolves with what `run` rejected with. */
function rejection(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => {
      throw new Error("expected the scenario to fail");
    },
    (error) => error,
  );
}

export function nurseryFailFast(
  n: number,
  taskScopes: boolean,
): Promise<unknown> {
  return rejection(Nursery.run((nursery) => {
    for (let i = 0; i < n - 1; i++) {
      nursery.startSoon(({ signal }) => sleepFor(AN_HOUR, signal));
    }
    nursery.startSoon(failSoon);
  }, { taskScopes }));
}

export async function nurseryFanOut(
  n: number,
  taskScopes: boolean,
): Promise<unknown> {
  const outer = new AbortController();
  const running = Nursery.run((nursery) => {
    for (let i = 0; i < n; i++) {
      nursery.startSoon(({ signal }) => sleepFor(AN_HOUR, signal));
    }
  }, { signal: outer.signal, taskScopes });
  outer.abort(new Error("outer"));
  return await rejection(running);
}

// The tracked floor of the same two scenarios: what a scope per child costs
// at least, so that growth with N can be told apart from the platform's.
const trackedSleeper = tracked((signal) => sleepFor(AN_HOUR, signal));

export function trackedFloorFailFast(n: number): Promise<unknown> {
  const trackedFail = tracked(failSoon);
  return rejection(
    floor(
      n,
      (signal, i) => (i === n - 1 ? trackedFail : trackedSleeper)(signal, i),
    ),
  );
}

export async function trackedFloorFanOut(n: number): Promise<unknown> {
  const outer = new AbortController();
  const running = floor(n, trackedSleeper, outer.signal);
  outer.abort(new Error("outer"));
  return await rejection(running);
}
