// Copyright 2026 the @nursery/nursery authors. MIT license.
// Nursery.map: the collecting form of Nursery.stream (one machinery).
import { assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { Nursery } from "./mod.ts";
import { advanceUntilSettled } from "./testing/helpers.ts";

Deno.test("Nursery.map() returns results in input order under a concurrency limit", async () => {
  using time = new FakeTime(0);
  let running = 0;
  let peak = 0;
  const result = Nursery.map(
    [50, 10, 40, 20, 30],
    async (ms, { signal, index }) => {
      running++;
      peak = Math.max(peak, running);
      await delay(ms, { signal });
      running--;
      return `${index}:${ms}`;
    },
    { concurrency: 2 },
  );
  // Step the clock: runAllAsync() would stop at t=50, where no timer is
  // pending until promise callbacks start the next items.
  for (let t = 0; t < 100; t += 10) await time.tickAsync(10);
  assertEquals(await result, ["0:50", "1:10", "2:40", "3:20", "4:30"]);
  assertEquals(peak, 2);
});

Deno.test("Nursery.map() cancels the rest on the first failure and rejects once all settled", async () => {
  using time = new FakeTime(0);
  const boom = new Error("item 1 failed");
  const log: string[] = [];
  let pulled = 0;
  function* items() {
    for (let i = 0; i < 100; i++) {
      pulled++;
      yield i;
    }
  }
  const result = Nursery.map(items(), async (i, { signal }) => {
    try {
      await delay(i === 1 ? 5 : 1_000, { signal });
    } finally {
      log.push(`${i} settled@${Date.now()}`);
    }
    if (i === 1) throw boom;
  }, { concurrency: 3 });
  const rejected = assertRejects(() => result);
  await time.tickAsync(5);
  await time.runMicrotasks();
  assertStrictEquals(await rejected, boom);
  // Everything in flight had settled before the rejection; nothing more started.
  assertEquals(log.sort(), ["0 settled@5", "1 settled@5", "2 settled@5"]);
  assertEquals(pulled, 3);
});

Deno.test("Nursery.map() rejects bad arguments", async () => {
  await assertRejects(
    () => Nursery.map(5 as never, (x) => x),
    TypeError,
    "'items'",
  );
  await assertRejects(() => Nursery.map([1], "f" as never), TypeError, "'fn'");
  await assertRejects(
    () => Nursery.map([1], (x) => x, { concurrency: 0 }),
    RangeError,
    "'options.concurrency'",
  );
  assertEquals(await Nursery.map([], (x) => x), []);
});

Deno.test("Nursery.map() closes its input iterator (return()) when a failure stops it early", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  function* items() {
    try {
      for (let i = 0; i < 100; i++) yield i;
    } finally {
      log.push(`input closed@${Date.now()}`);
    }
  }
  const boom = new Error("item 0 failed");
  const result = Nursery.map(items(), async (i, { signal }) => {
    await delay(i === 0 ? 5 : 1_000, { signal });
    if (i === 0) throw boom;
  }, { concurrency: 2 });
  const error = await assertRejects(() => advanceUntilSettled(time, result));
  assertStrictEquals(error, boom);
  assertEquals(log, ["input closed@5"]);
});

Deno.test("Nursery.map() closes its input iterator when the outer signal stops it", async () => {
  using time = new FakeTime(0);
  let closed = false;
  function* items() {
    try {
      for (let i = 0;; i++) yield i;
    } finally {
      closed = true;
    }
  }
  const controller = new AbortController();
  const result = Nursery.map(
    items(),
    (_i, { signal }) => delay(1_000, { signal }),
    { concurrency: 4, signal: controller.signal },
  );
  setTimeout(() => controller.abort("stop"), 10);
  assertEquals(await advanceUntilSettled(time, result).catch((e) => e), "stop");
  assertEquals(closed, true);
});

Deno.test("Nursery.map() does not close an input it read to the end", async () => {
  let returned = 0;
  const items: Iterable<number> = {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next: () =>
          i < 3
            ? { done: false, value: i++ }
            : { done: true, value: undefined },
        return: () => {
          returned++;
          return { done: true, value: undefined };
        },
      };
    },
  };
  assertEquals(await Nursery.map(items, (n) => n * 2), [0, 2, 4]);
  assertEquals(returned, 0);
});

Deno.test("Nursery.map() accepts async iterables, read lazily under the limit", async () => {
  using time = new FakeTime(0);
  const reads: number[] = [];
  async function* items() {
    for (let i = 0; i < 4; i++) {
      await delay(1);
      reads.push(Date.now());
      yield i;
    }
  }
  const result = Nursery.map(items(), async (i, { signal }) => {
    await delay(10, { signal });
    return i * i;
  }, { concurrency: 2 });
  assertEquals(await advanceUntilSettled(time, result), [0, 1, 4, 9]);
  // Items 2 and 3 were read only once slots had freed.
  assertEquals(reads, [1, 2, 12, 13]);
});

Deno.test("Nursery.map() with an already-aborted signal calls fn for no item and reads nothing", async () => {
  let read = 0;
  let calls = 0;
  function* items() {
    read++;
    yield 1;
  }
  const reason = new Error("cancelled before it began");
  const error = await assertRejects(() =>
    Nursery.map(items(), () => calls++, { signal: AbortSignal.abort(reason) })
  );
  assertStrictEquals(error, reason);
  assertEquals({ read, calls }, { read: 0, calls: 0 });
});

Deno.test("Nursery.map() inside a task is cancelled with that task's nursery (the implicit parent)", async () => {
  using time = new FakeTime(0);
  let cancelled = 0;
  let mapError: unknown;
  const reason = new Error("enough");
  const outcome = Nursery.run(async (nursery) => {
    nursery.startSoon(() =>
      Nursery.map(
        [1, 2, 3],
        (_n, { signal }) =>
          delay(1_000, { signal }).catch((error) => {
            cancelled++;
            throw error;
          }),
      ).catch((error) => {
        mapError = error;
        throw error;
      })
    );
    await delay(10, { signal: nursery.signal });
    nursery.cancel(reason);
  });
  await advanceUntilSettled(time, outcome);
  assertStrictEquals(mapError, reason);
  assertEquals(cancelled, 3);
});
