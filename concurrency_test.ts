// Copyright 2026 the @nursery/nursery authors. MIT license.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { Nursery, type Task } from "./mod.ts";

Deno.test("concurrency: 1,000 queued tasks never exceed the limit, and run in FIFO order", async () => {
  using time = new FakeTime(0);
  const limit = 10;
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const result = Nursery.run((n) => {
    const handles: Task<void>[] = [];
    for (let i = 0; i < 1_000; i++) {
      handles.push(n.startSoon(async (ctx) => {
        running++;
        order.push(i);
        peak = Math.max(peak, running);
        assert(running <= limit, `${running} running at once`);
        await delay(1 + (i % 7), ctx);
        running--;
      }));
    }
    assertEquals(handles[9].status, "running");
    assertEquals(handles[10].status, "queued");
    assertEquals(n.tasks.length, 1_000);
  }, { concurrency: limit });
  await time.runAllAsync();
  await result;
  assertEquals(peak, limit);
  assertEquals(order, Array.from({ length: 1_000 }, (_, i) => i));
});

Deno.test("concurrency: cancellation empties the queue; later tasks start at once, aborted", async () => {
  using time = new FakeTime(0);
  const started: string[] = [];
  let late: Task<boolean> | undefined;
  let queued: Task<void>[] = [];
  const result = Nursery.run(async (n) => {
    n.startSoon(async (ctx) => {
      started.push("first");
      await delay(60_000, ctx);
    });
    queued = [1, 2, 3].map((i) =>
      n.startSoon(() => {
        started.push(`queued ${i}`);
      })
    );
    await delay(5);
    n.cancel();
    assertEquals(queued.map((t) => t.status), [
      "cancelled",
      "cancelled",
      "cancelled",
    ]);
    late = n.startSoon(({ signal }) => signal.aborted);
    assertEquals(late.status, "fulfilled");
    return "body done";
  }, { concurrency: 1 });
  await time.tickAsync(5);
  await time.runMicrotasks();
  assertEquals(await result, "body done");
  assertEquals(started, ["first"]);
  assertEquals(await late!, true);
  // A queued task's handle rejects with the cancellation reason.
  assertEquals(
    ((await Promise.resolve(queued[0]).catch((e) => e)) as Error).name,
    "AbortError",
  );
});

Deno.test("concurrency: a queue of synchronous tasks drains without deep recursion", async () => {
  let count = 0;
  await Nursery.run((n) => {
    n.startSoon(() => delay(0));
    for (let i = 0; i < 100_000; i++) n.startSoon(() => void count++);
  }, { concurrency: 1 });
  assertEquals(count, 100_000);
});

Deno.test("concurrency must be a positive integer or Infinity", async () => {
  for (const concurrency of [0, -1, 1.5, NaN, "2", null]) {
    await assertRejects(
      () => Nursery.run(() => {}, { concurrency } as never),
      RangeError,
      "'options.concurrency'",
    );
  }
  assertEquals(await Nursery.run(() => 1, { concurrency: Infinity }), 1);
});

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
