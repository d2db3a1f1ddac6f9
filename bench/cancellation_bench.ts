// Copyright 2026 the @nursery/nursery authors. MIT license.
// Scenarios 2 and 3: N children sleep on abortable timers (each registers its
// own abort listener on the signal it was given); then one child fails
// (fail-fast) or the outer signal aborts (fan-out). Timed until all settled.
// The nursery runs in both modes, named explicitly (issue #10: linear in N in
// each); per-child time across N is the linearity check (bench/ratios.ts).
import * as f from "./_fixtures.ts";
import * as sf from "./_scope_fixtures.ts";

// N = 1,000,000 takes minutes on a shared 2-core machine: only with
// NURSERY_BENCH_1M=1 (`deno task bench:linear`), so `deno task bench` stays short.
const sizes = Deno.env.get("NURSERY_BENCH_1M") === "1"
  ? [10_000, 100_000, 1_000_000]
  : [10_000, 100_000];
for (const n of sizes) {
  const size = `N = ${n.toLocaleString("en-US")}`;
  const runs = n >= 1_000_000
    ? { n: 1, warmup: 0 }
    : n >= 100_000
    ? { n: 5, warmup: 1 }
    : {};
  f.bench(`fail-fast, ${size}`, "floor", () => f.floorFailFast(n), {
    baseline: true,
    ...runs,
  });
  f.bench(
    `fail-fast, ${size}`,
    "tracked floor (+ AsyncLocalStorage.run per child)",
    () => sf.trackedFloorFailFast(n),
    runs,
  );
  for (const taskScopes of [true, false]) {
    f.bench(
      `fail-fast, ${size}`,
      `taskScopes: ${taskScopes}`,
      () => sf.nurseryFailFast(n, taskScopes),
      runs,
    );
  }
  f.bench(`fan-out, ${size}`, "floor", () => f.floorFanOut(n), {
    baseline: true,
    ...runs,
  });
  f.bench(
    `fan-out, ${size}`,
    "tracked floor (+ AsyncLocalStorage.run per child)",
    () => sf.trackedFloorFanOut(n),
    runs,
  );
  for (const taskScopes of [true, false]) {
    f.bench(
      `fan-out, ${size}`,
      `taskScopes: ${taskScopes}`,
      () => sf.nurseryFanOut(n, taskScopes),
      runs,
    );
  }
  if (n <= 10_000) {
    // Effection only where it finishes in seconds.
    f.bench(`fail-fast, ${size}`, "Effection 4", () => f.effectionFailFast(n), {
      n: 3,
      warmup: 1,
    });
    f.bench(`fan-out, ${size}`, "Effection 4", () => f.effectionFanOut(n), {
      n: 3,
      warmup: 1,
    });
  }
}
