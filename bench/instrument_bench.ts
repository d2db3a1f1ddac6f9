// Copyright 2026 the @nursery/nursery authors. MIT license.
// Issue #15: what instrument() costs. With nothing registered every event
// site reads one module flag; this group shows spawn-and-join with no
// instrument against the same with one instrument of six no-op hooks.
import { instrument } from "../mod.ts";
import * as f from "./_scope_fixtures.ts";
import { bench } from "./_fixtures.ts";

const n = 10_000;
const group = `instrument(), spawn-and-join, default mode, N = ${
  n.toLocaleString("en-US")
}`;
const noop = () => {};
const hooks = {
  nurseryOpened: noop,
  taskSpawned: noop,
  taskStarted: noop,
  taskSettled: noop,
  nurseryCancelled: noop,
  nurseryClosed: noop,
};

bench(group, "no instrument registered", () => f.nurserySpawnJoin(n, true), {
  baseline: true,
});
bench(group, "one instrument, six no-op hooks", async () => {
  using _registration = instrument(hooks);
  await f.nurserySpawnJoin(n, true);
});
