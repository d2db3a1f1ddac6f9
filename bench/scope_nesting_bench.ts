// Copyright 2026 the @nursery/nursery authors. MIT license.
// Issues #10 and #12: nesting. A chain of 1,000 nested nurseries and a tree of
// depth 4 x fan-out 10, against linked controllers (one listener per level):
// default mode against linked controllers plus one AsyncLocalStorage.run per
// level, taskScopes: false against the bare linked controllers.
import * as f from "./_scope_fixtures.ts";
import { bench } from "./_fixtures.ts";

const depth = 1_000;
let group = "chain of 1,000 nested nurseries, default mode";
bench(
  group,
  "linked controllers + AsyncLocalStorage.run per level",
  () => f.floorChain(depth, true),
  { baseline: true },
);
bench(group, "taskScopes: true", () => f.nurseryChain(depth, true));

group = "chain of 1,000 nested nurseries, taskScopes: false";
bench(group, "linked controllers", () => f.floorChain(depth, false), {
  baseline: true,
});
// What one AsyncLocalStorage.run per level (a nursery's body) costs alone.
bench(
  group,
  "linked controllers + AsyncLocalStorage.run per level",
  () => f.floorChain(depth, true),
);
bench(group, "taskScopes: false", () => f.nurseryChain(depth, false));

group = "tree, depth 4 x fan-out 10, default mode";
bench(
  group,
  "linked controllers + AsyncLocalStorage.run per node",
  () => f.floorTree(4, 10, true),
  { baseline: true },
);
bench(group, "taskScopes: true", () => f.nurseryTree(4, 10, true));

group = "tree, depth 4 x fan-out 10, taskScopes: false";
bench(group, "linked controllers", () => f.floorTree(4, 10, false), {
  baseline: true,
});
bench(
  group,
  "linked controllers + AsyncLocalStorage.run per node",
  () => f.floorTree(4, 10, true),
);
bench(group, "taskScopes: false", () => f.nurseryTree(4, 10, false));
