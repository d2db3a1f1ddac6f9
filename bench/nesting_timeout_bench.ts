// Copyright 2026 the @nursery/nursery authors. MIT license.
// Scenarios 4 and 5: nesting, and a timeout around a fast operation.
import * as f from "./_fixtures.ts";

f.bench("chain of 1,000 nested scopes", "floor", () => f.floorChain(1_000), {
  baseline: true,
});
f.bench(
  "chain of 1,000 nested scopes",
  "@nursery/nursery",
  () => f.nurseryChain(1_000),
);
f.bench("tree, depth 4, fan-out 10", "floor", () => f.floorTree(4, 10), {
  baseline: true,
});
f.bench(
  "tree, depth 4, fan-out 10",
  "@nursery/nursery",
  () => f.nurseryTree(4, 10),
);
f.bench(
  "timeout around a fast operation",
  "setTimeout + clearTimeout",
  f.bareTimerFast,
  { baseline: true },
);
f.bench("timeout around a fast operation", "failAfter", f.failAfterFast);
