// Copyright 2026 the @nursery/nursery authors. MIT license.
// The cost of the implicit task tree (AsyncLocalStorage), side by side:
// no implicit scopes at all, the default (a scope per task: one
// AsyncLocalStorage.run per task), and taskScopes: false (children share the
// body's scope: one per nursery).
import { setScopeTracking } from "../_context.ts";
import * as f from "./_fixtures.ts";

const n = 10_000;
const group = `implicit tree, spawn-and-join, N = ${n.toLocaleString("en-US")}`;
f.bench(group, "untracked (no implicit scopes at all)", async () => {
  setScopeTracking(false);
  try {
    await f.nurserySpawnJoin(n);
  } finally {
    setScopeTracking(true);
  }
}, { baseline: true });
f.bench(
  group,
  "tracked, default (a scope per task)",
  () => f.nurserySpawnJoin(n),
);
f.bench(
  group,
  "tracked, taskScopes: false (one scope per nursery)",
  () => f.nurserySpawnJoin(n, { taskScopes: false }),
);
