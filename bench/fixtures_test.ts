// Copyright 2026 the @nursery/nursery authors. MIT license.
// The benchmarks are never timed here; this checks, at a small n, that every
// competitor in bench/_fixtures.ts does the work its scenario claims, so the
// ratios in README compare like with like.
// @runtime-server-only: the bench fixtures load node:async_hooks and npm packages built for Node.
import { assertEquals, assertStrictEquals } from "@std/assert";
import * as fixtures from "./_fixtures.ts";
import * as sf from "./_scope_fixtures.ts";

const N = 50;

Deno.test("bench fixtures: every spawn-and-join variant joins n children", async () => {
  for (
    const spawnJoin of [
      fixtures.rawPromiseAll,
      fixtures.floorSpawnJoin,
      fixtures.nurserySpawnJoin,
      fixtures.nurserySpawnJoinReadingSignal,
      fixtures.effectionSpawnJoin,
      fixtures.pLimitSpawnJoin,
      fixtures.pMapSpawnJoin,
    ]
  ) {
    await spawnJoin(N);
  }
});

Deno.test("bench fixtures: fail-fast variants reject with the failure after cancelling the sleepers", async () => {
  const floorError = await fixtures.floorFailFast(N);
  const nurseryError = await fixtures.nurseryFailFast(N);
  const effectionError = await fixtures.effectionFailFast(N);
  assertEquals((floorError as Error).message, "one child failed");
  assertStrictEquals(nurseryError, floorError);
  assertStrictEquals(effectionError, floorError);
  // Deno's sanitizers fail this test if a sleeper's timer were left behind.
});

Deno.test("bench fixtures: fan-out variants cancel every sleeper", async () => {
  assertEquals(((await fixtures.floorFanOut(N)) as Error).message, "outer");
  assertEquals(((await fixtures.nurseryFanOut(N)) as Error).message, "outer");
  await fixtures.effectionFanOut(N);
});

Deno.test("bench fixtures: nesting variants build the chain and the tree", async () => {
  assertEquals(await fixtures.nurseryChain(100), 100);
  assertEquals(await fixtures.floorChain(100), 100);
  assertEquals(await fixtures.nurseryTree(3, 4), 64);
  assertEquals(await fixtures.floorTree(3, 4), 64);
});

Deno.test("bench fixtures: timeout variants", async () => {
  assertEquals(await fixtures.failAfterFast(), 1);
  assertEquals(await fixtures.bareTimerFast(), 1);
});

Deno.test("bench scope fixtures: every variant does its scenario's work in both modes", async () => {
  await sf.floorSpawnJoin(N);
  await sf.trackedFloorSpawnJoin(N);
  await sf.trackedFloorInContextSpawnJoin(N);
  await sf.floorAwaitAll(N, true);
  await sf.trackedFloorInContextAwaitAll(N);
  await sf.floorAwaitAll(N, false);
  for (const taskScopes of [true, false]) {
    await sf.nurserySpawnJoin(N, taskScopes);
    await sf.nurseryAwaitAll(N, taskScopes);
    assertEquals(await sf.nurseryChain(100, taskScopes), 100);
    assertEquals(await sf.nurseryTree(3, 4, taskScopes), 64);
    const failed = await sf.nurseryFailFast(N, taskScopes);
    assertEquals((failed as Error).message, "one child failed");
    assertEquals(
      ((await sf.nurseryFanOut(N, taskScopes)) as Error).message,
      "outer",
    );
  }
  assertEquals(
    ((await sf.trackedFloorFailFast(N)) as Error).message,
    "one child failed",
  );
  assertEquals(((await sf.trackedFloorFanOut(N)) as Error).message, "outer");
  for (const isTracked of [true, false]) {
    assertEquals(await sf.floorChain(100, isTracked), 100);
    assertEquals(await sf.floorTree(3, 4, isTracked), 64);
  }
});

Deno.test("bench scope fixtures: the tracked floor's children see their own signal as the store", async () => {
  const seen: boolean[] = [];
  const child = sf.tracked(async (signal) => {
    await null;
    seen.push(sf.storage.getStore() === signal);
  });
  await child(new AbortController().signal, 0);
  assertEquals(seen, [true]);
});
