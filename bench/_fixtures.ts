// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * What the benchmarks compare: this library against what users would write
 * instead. Each function runs one whole scenario for `n` children and settles
 * when it is over, so that `fixtures_test.ts` can check every competitor does
 * the same work at a small `n`, and the bench files only time them.
 *
 * @module
 */
import { failAfter, Nursery, type NurseryRunOptions } from "../mod.ts";
import { call, run, sleep, spawn } from "effection";
import pLimit from "p-limit";
import pMap from "p-map";

export const AN_HOUR = 60 * 60 * 1_000;

/** The trivial child of the spawn-and-join scenario. */
export async function trivial(): Promise<void> {
  await null;
}

/**
 * An abortable sleep with the same shape as `delay` from `@std/async`: a
 * timer plus one abort listener on the signal it is given, removed when the
 * timer fires. (A copy, so the benchmarks run without JSR.)
 */
export function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal.addEventListener("abort", abort, { once: true });
  });
}

/**
 * The honest floor for cancellable tasks: one AbortController per child in a
 * Set, and ONE listener on the parent signal that aborts the live ones.
 * Children leave the Set when they settle. On the first failure it aborts
 * the rest, waits for all, and rejects with that failure.
 */
export async function floor(
  n: number,
  child: (signal: AbortSignal, index: number) => Promise<unknown>,
  outer?: AbortSignal,
): Promise<void> {
  const live = new Set<AbortController>();
  const parent = new AbortController();
  const abortAll = () => {
    for (const controller of live) controller.abort(parent.signal.reason);
  };
  parent.signal.addEventListener("abort", abortAll, { once: true });
  const onOuter = () => parent.abort(outer!.reason);
  outer?.addEventListener("abort", onOuter, { once: true });
  let failure: { error: unknown } | undefined;
  const settled: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const controller = new AbortController();
    live.add(controller);
    settled.push(
      child(controller.signal, i).then(
        () => void live.delete(controller),
        (error) => {
          live.delete(controller);
          if (!parent.signal.aborted) {
            failure = { error };
            parent.abort(error);
          }
        },
      ),
    );
  }
  await Promise.all(settled);
  outer?.removeEventListener("abort", onOuter);
  if (failure) throw failure.error;
  if (outer?.aborted) throw outer.reason;
}

// --- spawn-and-join ----------------------------------------------------------

export function rawPromiseAll(n: number): Promise<unknown> {
  const children: Promise<void>[] = [];
  for (let i = 0; i < n; i++) children.push(trivial());
  return Promise.all(children);
}

export function floorSpawnJoin(n: number): Promise<void> {
  return floor(n, trivial);
}

export function nurserySpawnJoin(
  n: number,
  options?: NurseryRunOptions,
): Promise<void> {
  return Nursery.run((nursery) => {
    for (let i = 0; i < n; i++) nursery.startSoon(trivial);
  }, options);
}

/** The same, with children that read their signal (so a controller is made). */
export function nurserySpawnJoinReadingSignal(n: number): Promise<void> {
  const child = async ({ signal }: { signal: AbortSignal }) => {
    await null;
    return signal.aborted;
  };
  return Nursery.run((nursery) => {
    for (let i = 0; i < n; i++) nursery.startSoon(child);
  });
}

export function effectionSpawnJoin(n: number): Promise<void> {
  return run(function* () {
    const tasks = [];
    for (let i = 0; i < n; i++) tasks.push(yield* spawn(() => call(trivial)));
    for (const task of tasks) yield* task;
  });
}

export function pLimitSpawnJoin(n: number): Promise<unknown> {
  const limit = pLimit(Infinity);
  const children: Promise<void>[] = [];
  for (let i = 0; i < n; i++) children.push(limit(trivial));
  return Promise.all(children);
}

export function pMapSpawnJoin(n: number): Promise<unknown> {
  return pMap(indices(n), trivial, { concurrency: Infinity });
}

function* indices(n: number): Iterable<number> {
  for (let i = 0; i < n; i++) yield i;
}

// --- fail-fast: n sleeping children, one fails -------------------------------

const failure = new Error("one child failed");
function failSoon(): Promise<never> {
  return Promise.resolve().then(() => {
    throw failure;
  });
}

/** Resolves with what the run rejected with. */
function rejection(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => {
      throw new Error("expected the scenario to fail");
    },
    (error) => error,
  );
}

export function floorFailFast(n: number): Promise<unknown> {
  return rejection(
    floor(
      n,
      (signal, i) => i === n - 1 ? failSoon() : sleepFor(AN_HOUR, signal),
    ),
  );
}

export function nurseryFailFast(n: number): Promise<unknown> {
  return rejection(Nursery.run((nursery) => {
    for (let i = 0; i < n - 1; i++) {
      nursery.startSoon(({ signal }) => sleepFor(AN_HOUR, signal));
    }
    nursery.startSoon(failSoon);
  }));
}

export function effectionFailFast(n: number): Promise<unknown> {
  return rejection(run(function* () {
    const tasks = [];
    for (let i = 0; i < n - 1; i++) {
      tasks.push(yield* spawn(() => sleep(AN_HOUR)));
    }
    tasks.push(yield* spawn(() => call(failSoon)));
    for (const task of tasks) yield* task;
  }));
}

// --- cancellation fan-out: n sleepers, the outer signal aborts ---------------

export async function floorFanOut(n: number): Promise<unknown> {
  const outer = new AbortController();
  const running = floor(n, (signal) => sleepFor(AN_HOUR, signal), outer.signal);
  outer.abort(new Error("outer"));
  return await rejection(running);
}

export async function nurseryFanOut(n: number): Promise<unknown> {
  const outer = new AbortController();
  const running = Nursery.run((nursery) => {
    for (let i = 0; i < n; i++) {
      nursery.startSoon(({ signal }) => sleepFor(AN_HOUR, signal));
    }
  }, { signal: outer.signal });
  outer.abort(new Error("outer"));
  return await rejection(running);
}

export async function effectionFanOut(n: number): Promise<void> {
  const task = run(function* () {
    for (let i = 0; i < n; i++) yield* spawn(() => sleep(AN_HOUR));
    yield* sleep(AN_HOUR);
  });
  await null;
  await task.halt();
}

// --- nesting -----------------------------------------------------------------

/** A chain of `depth` nurseries, each opened inside a task of the one above. */
export function nurseryChain(depth: number): Promise<number> {
  const level = (remaining: number): Promise<number> =>
    Nursery.run(async (nursery) => {
      if (remaining === 0) return 0;
      return 1 + await nursery.startSoon(() => level(remaining - 1));
    });
  return level(depth);
}

/** The floor's chain: each level a controller linked to its parent by one listener. */
export function floorChain(
  depth: number,
  parent?: AbortSignal,
): Promise<number> {
  const controller = new AbortController();
  const abort = () => controller.abort(parent!.reason);
  parent?.addEventListener("abort", abort, { once: true });
  const result = depth === 0
    ? Promise.resolve(0)
    : floorChain(depth - 1, controller.signal).then((below) => below + 1);
  return result.finally(() => parent?.removeEventListener("abort", abort));
}

/** A tree of nurseries `depth` deep, each task opening one with `fanOut` children. */
export function nurseryTree(depth: number, fanOut: number): Promise<number> {
  return Nursery.run(async (nursery) => {
    if (depth === 0) return 1;
    const children = [];
    for (let i = 0; i < fanOut; i++) {
      children.push(nursery.startSoon(() => nurseryTree(depth - 1, fanOut)));
    }
    let leaves = 0;
    for (const child of children) leaves += await child;
    return leaves;
  });
}

export async function floorTree(
  depth: number,
  fanOut: number,
): Promise<number> {
  if (depth === 0) return 1;
  let leaves = 0;
  await floor(
    fanOut,
    () => floorTree(depth - 1, fanOut).then((n) => void (leaves += n)),
  );
  return leaves;
}

// --- timeouts ----------------------------------------------------------------

export function failAfterFast(): Promise<number> {
  return failAfter(1_000, () => trivial().then(() => 1));
}

export async function bareTimerFast(): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 1_000);
  try {
    await trivial();
    return 1;
  } finally {
    clearTimeout(timer);
  }
}

/** Registers one timed case: `work` runs once per iteration. */
export function bench(
  group: string,
  name: string,
  work: () => Promise<unknown>,
  options: { baseline?: boolean; n?: number; warmup?: number } = {},
): void {
  Deno.bench({
    group,
    name,
    ...options,
    async fn() {
      await work();
    },
  });
}
