// Copyright 2026 the @nursery/nursery authors. MIT license.
// Issues #10 and #12: spawn-and-join with children that read their signal,
// against the floors of bench/_scope_fixtures.ts. Each mode has its own
// group, so each ratio is to the floor that does the same work:
// - default mode (a scope per task) against the tracked floor;
// - taskScopes: false against the untracked floor;
// - and both again with the body awaiting `Promise.all(handles)`, against the
//   floor awaiting its children's native promises.
import * as f from "./_scope_fixtures.ts";
import { bench } from "./_fixtures.ts";

for (const n of [1_000, 10_000, 100_000]) {
  const size = `N = ${n.toLocaleString("en-US")}`;
  // Large N: a few timed iterations suffice.
  const runs = n >= 100_000 ? { n: 10, warmup: 2 } : {};
  const base = { baseline: true, ...runs };

  let group = `spawn-and-join, reads signal, default mode, ${size}`;
  bench(
    group,
    "tracked floor (+ AsyncLocalStorage.run per child)",
    () => f.trackedFloorSpawnJoin(n),
    base,
  );
  bench(
    group,
    "tracked floor, started inside a context (as a body's children are)",
    () => f.trackedFloorInContextSpawnJoin(n),
    runs,
  );
  bench(group, "taskScopes: true", () => f.nurserySpawnJoin(n, true), runs);

  group = `spawn-and-join, reads signal, taskScopes: false, ${size}`;
  bench(group, "untracked floor", () => f.floorSpawnJoin(n), base);
  bench(group, "taskScopes: false", () => f.nurserySpawnJoin(n, false), runs);

  group = `await Promise.all(handles), default mode, ${size}`;
  bench(
    group,
    "tracked floor, Promise.all(native promises)",
    () => f.floorAwaitAll(n, true),
    base,
  );
  bench(
    group,
    "tracked floor, Promise.all(native promises), inside a context",
    () => f.trackedFloorInContextAwaitAll(n),
    runs,
  );
  bench(
    group,
    "taskScopes: true, Promise.all(handles)",
    () => f.nurseryAwaitAll(n, true),
    runs,
  );

  group = `await Promise.all(handles), taskScopes: false, ${size}`;
  bench(
    group,
    "untracked floor, Promise.all(native promises)",
    () => f.floorAwaitAll(n, false),
    base,
  );
  bench(
    group,
    "taskScopes: false, Promise.all(handles)",
    () => f.nurseryAwaitAll(n, false),
    runs,
  );
}
