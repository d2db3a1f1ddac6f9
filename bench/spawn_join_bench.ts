// Copyright 2026 the @nursery/nursery authors. MIT license.
// Scenario 1: spawn N trivial children (`async () => { await null }`) and join them.
import * as f from "./_fixtures.ts";

for (const n of [1_000, 10_000, 100_000]) {
  const group = `spawn-and-join, N = ${n.toLocaleString("en-US")}`;
  // Large N: a few timed iterations suffice and keep the slow peers bounded.
  const runs = n >= 100_000 ? { n: 5, warmup: 1 } : {};
  f.bench(
    group,
    "floor (controller per child, one parent listener)",
    () => f.floorSpawnJoin(n),
    { baseline: true, ...runs },
  );
  f.bench(
    group,
    "raw Promise.all (no cancellation)",
    () => f.rawPromiseAll(n),
    runs,
  );
  f.bench(
    group,
    "@nursery/nursery (a scope per task)",
    () => f.nurserySpawnJoin(n),
    runs,
  );
  f.bench(
    group,
    "@nursery/nursery, taskScopes: false",
    () => f.nurserySpawnJoin(n, { taskScopes: false }),
    runs,
  );
  f.bench(
    group,
    "@nursery/nursery, children read signal",
    () => f.nurserySpawnJoinReadingSignal(n),
    runs,
  );
  f.bench(group, "p-limit(Infinity)", () => f.pLimitSpawnJoin(n), runs);
  f.bench(group, "p-map", () => f.pMapSpawnJoin(n), runs);
  f.bench(
    group,
    "Effection 4",
    () => f.effectionSpawnJoin(n),
    n >= 10_000 ? { n: 3, warmup: 1 } : {},
  );
}
