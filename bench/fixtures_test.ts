// Copyright 2026 the @nursery/nursery authors. MIT license.
// The benchmarks are never timed here; this checks, at a small n, that every
// competitor in bench/_fixtures.ts does the work its scenario claims, so the
// ratios in README compare like with like.
import { assertEquals, assertStrictEquals } from "@std/assert";
import * as fixtures from "./_fixtures.ts";

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
