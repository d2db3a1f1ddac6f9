// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task bench:gc` (issue #12): spawn-and-join per-child cost in steady
 * state, and in the iterations right after a full GC that ran while no
 * nursery was alive. Such a GC clears the weak objects V8 embedded in
 * optimised code ("embedded weak objects cleared"), which deoptimises the
 * functions that embedded them; the next iterations pay for that until they
 * are optimised again. Each case is against the floor of the same mode, the
 * cases interleaved round by round.
 *
 * ```sh
 * deno run --allow-read --allow-env --v8-flags=--expose-gc bench/gc.ts [N] [TRIALS]
 * ```
 *
 * @module
 */
import * as f from "./_scope_fixtures.ts";

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) {
  throw new Error("Run with --v8-flags=--expose-gc (deno task bench:gc)");
}
const n = Number(Deno.args[0] ?? 10_000);
const trials = Number(Deno.args[1] ?? 15);
/** Iterations timed after each GC: the first ones pay the deopts. */
const AFTER = 4;

const cases: { name: string; versus?: string; run: () => Promise<void> }[] = [
  { name: "tracked floor", run: () => f.trackedFloorSpawnJoin(n) },
  {
    name: "taskScopes: true",
    versus: "tracked floor",
    run: () => f.nurserySpawnJoin(n, true),
  },
  { name: "untracked floor", run: () => f.floorSpawnJoin(n) },
  {
    name: "taskScopes: false",
    versus: "untracked floor",
    run: () => f.nurserySpawnJoin(n, false),
  },
];

/** Nanoseconds per child of one iteration. */
async function time(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) * 1e6 / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Warm-up, then steady state: rounds of one iteration per case. A GC that
// happens on its own in these rounds is part of the steady state.
for (let i = 0; i < 30; i++) for (const c of cases) await c.run();
const steady = new Map(cases.map((c) => [c.name, [] as number[]]));
for (let round = 0; round < 30; round++) {
  for (const c of cases) steady.get(c.name)!.push(await time(c.run));
}

// After a full GC: nothing runs between iterations, so no nursery is alive.
const afterGc = new Map(
  cases.map((
    c,
  ) => [c.name, Array.from({ length: AFTER }, () => [] as number[])]),
);
for (let trial = 0; trial < trials; trial++) {
  for (const c of cases) {
    // Back in steady state first: what the previous case's GC cleared is
    // optimised again before this one is timed.
    for (let i = 0; i < 10; i++) await c.run();
    collect();
    for (let i = 0; i < AFTER; i++) {
      afterGc.get(c.name)![i].push(await time(c.run));
    }
  }
}

const ns = (x: number) => `${Math.round(x)}`;
console.log(
  `Spawn-and-join, N = ${
    n.toLocaleString("en-US")
  }, children read their signal; ` +
    `ns per child, medians (steady: 30 rounds; after gc(): ${trials} trials); ` +
    `${navigator.userAgent}\n`,
);
const header = Array.from({ length: AFTER }, (_, i) => `after gc #${i + 1}`);
console.log(`| case | steady | ${header.join(" | ")} |`);
console.log(`| --- | ---: | ${header.map(() => "---:").join(" | ")} |`);
for (const c of cases) {
  const row = [median(steady.get(c.name)!)];
  for (const xs of afterGc.get(c.name)!) row.push(median(xs));
  console.log(`| ${c.name} | ${row.map(ns).join(" | ")} |`);
  if (c.versus !== undefined) {
    const base = [median(steady.get(c.versus)!)];
    for (const xs of afterGc.get(c.versus)!) base.push(median(xs));
    console.log(
      `| ratio to ${c.versus} | ${
        row.map((x, i) => `${(x / base[i]).toFixed(2)}x`).join(" | ")
      } |`,
    );
  }
}
