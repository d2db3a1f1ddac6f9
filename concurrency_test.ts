// Copyright 2026 the @nursery/nursery authors. MIT license.
import { assert, assertEquals, assertRejects } from "@std/assert";
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
