// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task bench:gc` (issue #12): spawn-and-join per-child cost in steady
 * state, and in the iterations right after a full GC that ran while no
 * nursery was alive. Such a GC frees the hidden classes (maps) of objects
 * that only a live nursery holds, and V8 throws away the optimised code that
 * embedded them ("embedded weak objects cleared"; `bench/_gc_trace.ts`), so
 * the next iterations run cold until the functions are optimised again.
 *
 * Each trial, for each case: warm iterations, one timed (steady), `gc()`,
 * the next iterations timed; then the same again with one object of each
 * kind kept alive across the GC ("pinned": one finished task's handle and
 * context for the nursery, one AbortController and its signal for the
 * floors), which keeps those maps and so the optimised code. The pinned
 * column is what the library would get if it kept its maps alive itself.
 *
 * ```sh
 * deno run --allow-read --allow-env --v8-flags=--expose-gc bench/gc.ts [N] [TRIALS]
 * ```
 *
 * @module
 */
import { Nursery, type TaskContext } from "../mod.ts";
import * as f from "./_scope_fixtures.ts";

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) {
  throw new Error("Run with --v8-flags=--expose-gc (deno task bench:gc)");
}
const n = Number(Deno.args[0] ?? 10_000);
const trials = Number(Deno.args[1] ?? 20);
/** Iterations timed after each GC: the first ones pay the deopts. */
const AFTER = 4;

interface Case {
  name: string;
  /** The floors its ratios are given against. */
  versus?: string[];
  run(): Promise<void>;
  /** Returns one object of each kind the run makes, to keep across a GC. */
  pin(): Promise<unknown[]>;
}

async function pinNursery(taskScopes: boolean): Promise<unknown[]> {
  let context: TaskContext | undefined;
  let handle: unknown;
  await Nursery.run((nursery) => {
    handle = nursery.startSoon((ctx) => {
      context = ctx;
      return f.taskReadsSignal(ctx);
    });
  }, { taskScopes });
  return [handle, context];
}

function pinController(): Promise<unknown[]> {
  const controller = new AbortController();
  return Promise.resolve([controller, controller.signal]);
}

const cases: Case[] = [
  {
    name: "tracked floor",
    run: () => f.trackedFloorSpawnJoin(n),
    pin: pinController,
  },
  {
    // What a nursery's children pay at least on this platform: they start
    // inside the body's context, and every run copies the current mapping.
    name: "tracked floor in context",
    run: () => f.trackedFloorInContextSpawnJoin(n),
    pin: pinController,
  },
  {
    name: "taskScopes: true",
    versus: ["tracked floor", "tracked floor in context"],
    run: () => f.nurserySpawnJoin(n, true),
    pin: () => pinNursery(true),
  },
  {
    name: "untracked floor",
    run: () => f.floorSpawnJoin(n),
    pin: pinController,
  },
  {
    name: "taskScopes: false",
    versus: ["untracked floor"],
    run: () => f.nurserySpawnJoin(n, false),
    pin: () => pinNursery(false),
  },
];

/** Nanoseconds per child of one iteration. */
async function time(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) * 1e6 / n;
}

async function warm(run: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 10; i++) await run();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const columns = [
  "steady",
  ...Array.from({ length: AFTER }, (_, i) => `after gc #${i + 1}`),
  `mean of ${AFTER} after gc`,
  `mean of ${AFTER} after gc, pinned`,
];
const samples = new Map(
  cases.map((c) => [c.name, columns.map(() => [] as number[])]),
);
// Referenced from module scope, so nothing can treat them as dead.
const kept: unknown[] = [];
for (let i = 0; i < 3; i++) for (const c of cases) await warm(c.run);
for (let trial = 0; trial < trials; trial++) {
  for (const c of cases) {
    const row = samples.get(c.name)!;
    await warm(c.run);
    row[0].push(await time(c.run));
    // Nothing runs between iterations: no nursery is alive during the GC.
    collect();
    const after = [];
    for (let i = 0; i < AFTER; i++) after.push(await time(c.run));
    after.forEach((x, i) => row[1 + i].push(x));
    row[1 + AFTER].push(mean(after));
    await warm(c.run);
    kept.push(...await c.pin());
    collect();
    const afterPinned = [];
    for (let i = 0; i < AFTER; i++) afterPinned.push(await time(c.run));
    row[2 + AFTER].push(mean(afterPinned));
    kept.length = 0;
  }
}

console.log(
  `Spawn-and-join, N = ${
    n.toLocaleString("en-US")
  }, children read their signal; ` +
    `ns per child, medians of ${trials} trials; ${navigator.userAgent}\n`,
);
console.log(`| case | ${columns.join(" | ")} |`);
console.log(`| --- | ${columns.map(() => "---:").join(" | ")} |`);
for (const c of cases) {
  const row = samples.get(c.name)!.map(median);
  console.log(`| ${c.name} | ${row.map((x) => Math.round(x)).join(" | ")} |`);
  for (const versus of c.versus ?? []) {
    const base = samples.get(versus)!.map(median);
    console.log(
      `| ratio to ${versus} | ${
        row.map((x, i) => `${(x / base[i]).toFixed(2)}x`).join(" | ")
      } |`,
    );
  }
}
