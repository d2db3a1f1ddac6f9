// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task bench:memory`: heap bytes per pending child, after GC, with
 * N = 100,000 children all waiting on one shared gate, for this library and
 * for the floor (one AbortController in the parent's Set and one pending
 * promise per child). Run with `--v8-flags=--expose-gc`.
 *
 * The "async" rows are the real shape (issue #12): each child is an async
 * function suspended in `await gate`, so its continuation holds the async
 * context it started in, and reads its signal and the current scope after
 * the await. Each is compared with the floor of the same shape: the tracked
 * floor (one `AsyncLocalStorage.run` per child) for a scope per task, the
 * untracked floor for `taskScopes: false`.
 *
 * @module
 */
import { currentSignal, Nursery } from "../mod.ts";
import { floor } from "./_fixtures.ts";
import { storage, tracked } from "./_scope_fixtures.ts";
import { run, spawn, suspend } from "effection";

const N = 100_000;
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) {
  throw new Error("Run with --v8-flags=--expose-gc (deno task bench:memory)");
}

function heap(): number {
  for (let i = 0; i < 3; i++) collect!();
  return Deno.memoryUsage().heapUsed;
}

interface Scenario {
  name: string;
  /** The row this one is compared with; the first row by default. */
  versus?: string;
  /** Starts N pending children; returns what ends them and the run to await. */
  start(gate: Promise<void>): { end(): void; done: Promise<unknown> };
}

const TRACKED_FLOOR =
  "tracked floor, async children (AsyncLocalStorage.run each)";
const UNTRACKED_FLOOR = "untracked floor, async children";

const scenarios: Scenario[] = [
  {
    name: "floor (AbortController in a Set + pending promise)",
    start(gate) {
      return { end() {}, done: floor(N, () => gate) };
    },
  },
  {
    name: "@nursery/nursery (children never read signal)",
    start(gate) {
      const done = Nursery.run((n) => {
        for (let i = 0; i < N; i++) n.startSoon(() => gate);
      });
      return { end() {}, done };
    },
  },
  {
    name: "@nursery/nursery (children read signal)",
    start(gate) {
      const done = Nursery.run((n) => {
        for (let i = 0; i < N; i++) {
          n.startSoon(({ signal }) => signal.aborted ? undefined : gate);
        }
      });
      return { end() {}, done };
    },
  },
  {
    name: "@nursery/nursery, taskScopes: true",
    start(gate) {
      const done = Nursery.run((n) => {
        for (let i = 0; i < N; i++) n.startSoon(() => gate);
      }, { taskScopes: true });
      return { end() {}, done };
    },
  },
  {
    name: TRACKED_FLOOR,
    start(gate) {
      const child = tracked(async (signal) => {
        await gate;
        return signal.aborted || storage.getStore() !== signal;
      });
      return { end() {}, done: floor(N, child) };
    },
  },
  {
    name: UNTRACKED_FLOOR,
    start(gate) {
      const child = async (signal: AbortSignal) => {
        await gate;
        return signal.aborted;
      };
      return { end() {}, done: floor(N, child) };
    },
  },
  ...[true, false].map((taskScopes): Scenario => ({
    name: `@nursery/nursery, taskScopes: ${taskScopes}, async children`,
    versus: taskScopes ? TRACKED_FLOOR : UNTRACKED_FLOOR,
    start(gate) {
      const done = Nursery.run((n) => {
        for (let i = 0; i < N; i++) {
          n.startSoon(async ({ signal }) => {
            await gate;
            return signal.aborted || currentSignal() === undefined;
          });
        }
      }, { taskScopes });
      return { end() {}, done };
    },
  })),
  {
    name: "Effection 4 (spawned, suspended)",
    start() {
      const task = run(function* () {
        for (let i = 0; i < N; i++) yield* spawn(() => suspend());
        yield* suspend();
      });
      // halt() resolves once every spawned operation has been torn down.
      return { end() {}, done: task.halt() };
    },
  },
];

const rows: string[] = [];
const bytes = new Map<string, number>();
for (const scenario of scenarios) {
  let open = () => {};
  const gate = new Promise<void>((resolve) => open = resolve);
  const before = heap();
  const running = scenario.start(gate);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const perChild = (heap() - before) / N;
  open();
  running.end();
  await running.done;
  console.error(`measured: ${scenario.name}`);
  bytes.set(scenario.name, perChild);
  const versus = scenario.versus ?? scenarios[0].name;
  rows.push(
    `| ${scenario.name} | ${Math.round(perChild).toLocaleString("en-US")} | ${
      (perChild / bytes.get(versus)!).toFixed(2)
    }x | ${versus === scenarios[0].name ? "floor" : versus} |`,
  );
}
console.log(
  `Heap bytes per pending child, N = ${
    N.toLocaleString("en-US")
  }, ${navigator.userAgent}`,
);
console.log(
  "| scenario | bytes per child | ratio | to |\n| --- | ---: | ---: | --- |",
);
console.log(rows.join("\n"));
