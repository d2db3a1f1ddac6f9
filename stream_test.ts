// Copyright 2026 the @nursery/nursery authors. MIT license.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { MultiError, Nursery, type StreamContext } from "./mod.ts";
import {
  advanceUntilSettled,
  countUnhandledRejections,
} from "./testing/helpers.ts";

/** Sleeps `ms` (honouring the signal) and returns `ms`. */
async function sleep(ms: number, { signal }: StreamContext): Promise<number> {
  await delay(ms, { signal });
  return ms;
}

/** Iterates to the end, recording each result with the fake time it arrived. */
async function collect<R>(results: AsyncIterable<R>): Promise<string[]> {
  const seen: string[] = [];
  for await (const result of results) seen.push(`${result}@${Date.now()}`);
  return seen;
}

Deno.test("Nursery.stream() yields results as they complete, not in input order", async () => {
  using time = new FakeTime(0);
  const seen = collect(Nursery.stream([30, 10, 20], sleep));
  assertEquals(await advanceUntilSettled(time, seen), [
    "10@10",
    "20@20",
    "30@30",
  ]);
});

Deno.test("Nursery.stream() with ordered: true yields in input order, holding back later results", async () => {
  using time = new FakeTime(0);
  const seen = collect(Nursery.stream([30, 10, 20], sleep, { ordered: true }));
  assertEquals(await advanceUntilSettled(time, seen), [
    "30@30",
    "10@30",
    "20@30",
  ]);
});

Deno.test("Nursery.stream() runs at most `concurrency` calls at once and reads the input as slots free up", async () => {
  using time = new FakeTime(0);
  const starts: string[] = [];
  let running = 0;
  let peak = 0;
  const seen = collect(
    Nursery.stream([10, 10, 10, 10, 10], async (ms, context) => {
      starts.push(`${context.index}@${Date.now()}`);
      peak = Math.max(peak, ++running);
      await sleep(ms, context);
      running--;
      return context.index;
    }, { concurrency: 2 }),
  );
  assertEquals(await advanceUntilSettled(time, seen), [
    "0@10",
    "1@10",
    "2@20",
    "3@20",
    "4@30",
  ]);
  assertEquals(starts, ["0@0", "1@0", "2@10", "3@10", "4@20"]);
  assertEquals(peak, 2);
});

Deno.test("Nursery.stream() with ordered: true counts held-back results against `concurrency`", async () => {
  using time = new FakeTime(0);
  const starts: number[] = [];
  const seen = collect(
    Nursery.stream([30, 10, 10, 10], (ms, context) => {
      starts.push(Date.now());
      return sleep(ms, context);
    }, { concurrency: 2, ordered: true }),
  );
  assertEquals(await advanceUntilSettled(time, seen), [
    "30@30",
    "10@30",
    "10@40",
    "10@40",
  ]);
  // Item 1 finished at 10 but waited for item 0, holding its slot.
  assertEquals(starts, [0, 0, 30, 30]);
});

Deno.test("Nursery.stream() back-pressure: a paused consumer holds at most `concurrency` results and no more calls start", async () => {
  using time = new FakeTime(0);
  let read = 0;
  let calls = 0;
  let closed = false;
  async function* items() {
    try {
      for (let i = 0;; i++) {
        read++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  const results = Nursery.stream(items(), async (i, context) => {
    calls++;
    await sleep(10, context);
    return i;
  }, { concurrency: 3 });
  const first = await advanceUntilSettled(time, results.next());
  assertEquals(first, { done: false, value: 0 });
  // Taking item 0 freed one slot: item 3 started. Then the consumer pauses.
  await time.tickAsync(60_000);
  await time.runMicrotasks();
  assertEquals({ read, calls }, { read: 4, calls: 4 });
  // Exactly three results were waiting: taking them needs no time...
  for (const expected of [1, 2, 3]) {
    assertEquals(await results.next(), { done: false, value: expected });
  }
  // ...and the fourth is still being computed (the calls restarted only now).
  let fourth = false;
  const next = results.next().then((result) => (fourth = true, result));
  await time.runMicrotasks();
  assertEquals(fourth, false);
  assertEquals({ read, calls }, { read: 7, calls: 7 });
  assertEquals(await advanceUntilSettled(time, next), {
    done: false,
    value: 4,
  });
  assertEquals(await results.return!(), { done: true, value: undefined });
  assert(closed, "the input was closed");
});

Deno.test("Nursery.stream() starts nothing before the first next(), and nothing if never iterated", async () => {
  let read = 0;
  let calls = 0;
  function* items() {
    read++;
    yield 1;
  }
  const idle = Nursery.stream(items(), () => calls++);
  const closedFirst = Nursery.stream(items(), () => calls++);
  await delay(0);
  assertEquals({ read, calls }, { read: 0, calls: 0 });
  // Closing an iterator that never started does not open the input either.
  assertEquals(await closedFirst.return!(), { done: true, value: undefined });
  assertEquals(await closedFirst.next(), { done: true, value: undefined });
  assertEquals({ read, calls }, { read: 0, calls: 0 });
  assertEquals(await idle.next(), { done: false, value: 0 });
  assertEquals(await idle.next(), { done: true, value: undefined });
  assertEquals({ read, calls }, { read: 1, calls: 1 });
});

Deno.test("Nursery.stream(): break cancels the calls in flight, waits for them, and closes the input before return() settles", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  async function* items() {
    try {
      for (let i = 0;; i++) yield i;
    } finally {
      log.push(`input closed@${Date.now()}`);
    }
  }
  const loop = (async () => {
    for await (
      const value of Nursery.stream(items(), async (i, { signal }) => {
        if (i === 0) return await sleep(10, { signal, index: i });
        try {
          await delay(60_000, { signal });
        } catch (reason) {
          await delay(5); // a cleanup that takes time, and is waited for
          log.push(`${i} cancelled@${Date.now()}`);
          throw reason;
        }
      }, { concurrency: 3 })
    ) {
      log.push(`got ${value}@${Date.now()}`);
      break;
    }
    log.push(`after break@${Date.now()}`);
  })();
  await advanceUntilSettled(time, loop);
  assertEquals(log, [
    "got 10@10",
    "input closed@10",
    "1 cancelled@15",
    "2 cancelled@15",
    "3 cancelled@15",
    "after break@15",
  ]);
});

Deno.test("Nursery.stream(): return() while a next() is pending cancels at once; the pending next() resolves done", async () => {
  using time = new FakeTime(0);
  let reason: unknown;
  const results = Nursery.stream([1], async (_item, { signal }) => {
    await delay(60_000, { signal }).catch((error) => {
      reason = error;
      throw error;
    });
  });
  const pending = results.next();
  await time.tickAsync(5);
  const closing = results.return!();
  assertEquals(await pending, { done: true, value: undefined });
  assertEquals(await closing, { done: true, value: undefined });
  assertEquals((reason as Error).name, "AbortError");
  assertEquals(await results.next(), { done: true, value: undefined });
});

Deno.test("Nursery.stream(): a failure cancels the rest, waits, closes the input, and the loop throws it", async () => {
  using time = new FakeTime(0);
  using unhandled = countUnhandledRejections();
  const boom = new Error("item 1 failed");
  const log: string[] = [];
  function* items() {
    try {
      for (let i = 0; i < 100; i++) yield i;
    } finally {
      log.push(`input closed@${Date.now()}`);
    }
  }
  const seen: number[] = [];
  const loop = (async () => {
    for await (
      const value of Nursery.stream(items(), async (i, { signal }) => {
        if (i === 0) return await sleep(2, { signal, index: i });
        if (i === 1) {
          await delay(5, { signal });
          throw boom;
        }
        try {
          await delay(60_000, { signal });
        } finally {
          log.push(`${i} settled@${Date.now()}`);
        }
      }, { concurrency: 3 })
    ) seen.push(value!);
  })();
  const error = await assertRejects(() => advanceUntilSettled(time, loop));
  assertStrictEquals(error, boom);
  assertEquals(seen, [2]);
  assertEquals(log.sort(), [
    "2 settled@5",
    "3 settled@5",
    "input closed@5",
  ]);
  assertEquals(unhandled.count, 0);
});

Deno.test("Nursery.stream(): several failures reach the loop as one MultiError", async () => {
  using time = new FakeTime(0);
  const boom = new Error("boom");
  const cleanup = new TypeError("cleanup failed");
  const loop = collect(Nursery.stream([0, 1], async (i, { signal }) => {
    if (i === 0) {
      await delay(5, { signal });
      throw boom;
    }
    await delay(60_000, { signal }).catch(() => {
      throw cleanup; // a real failure during cancellation is kept
    });
  }));
  const error = await assertRejects(
    () => advanceUntilSettled(time, loop),
    MultiError,
  );
  assertEquals(error.errors, [boom, cleanup]);
  // Each call is a task named after its item.
  assertEquals(
    error.message,
    "2 tasks failed: [stream[0]] Error: boom; [stream[1]] TypeError: cleanup failed",
  );
});

Deno.test("Nursery.stream(): a failure the loop has not seen yet is thrown by break", async () => {
  using time = new FakeTime(0);
  const boom = new Error("late failure");
  const loop = (async () => {
    for await (
      const _ of Nursery.stream([2, 5], async (ms, { signal }) => {
        await delay(ms, { signal });
        if (ms === 5) throw boom;
        return ms;
      })
    ) {
      await delay(10); // item 1 fails meanwhile
      break;
    }
  })();
  const error = await assertRejects(() => advanceUntilSettled(time, loop));
  assertStrictEquals(error, boom);
});

Deno.test("Nursery.stream(): the outer signal cancels every call and the loop throws its reason", async () => {
  using time = new FakeTime(0);
  const controller = new AbortController();
  const reason = new Error("shutdown");
  let cancelled = 0;
  let closed = false;
  async function* items() {
    try {
      yield* [5, 60_000, 60_000];
    } finally {
      closed = true;
    }
  }
  const seen: number[] = [];
  const loop = (async () => {
    for await (
      const value of Nursery.stream(items(), async (ms, { signal }) => {
        await delay(ms, { signal }).catch((error) => {
          cancelled++;
          throw error;
        });
        return ms;
      }, { signal: controller.signal, concurrency: 3 })
    ) seen.push(value);
  })();
  setTimeout(() => controller.abort(reason), 20);
  const error = await assertRejects(() => advanceUntilSettled(time, loop));
  assertStrictEquals(error, reason);
  assertEquals(seen, [5]);
  assertEquals(cancelled, 2);
  assert(closed, "the input was closed");
});

Deno.test("Nursery.stream(): an outer signal aborted already calls fn for no item and reads no input", async () => {
  let read = 0;
  let calls = 0;
  function* items() {
    read++;
    yield 1;
  }
  const reason = new Error("already gone");
  const results = Nursery.stream(items(), () => calls++, {
    signal: AbortSignal.abort(reason),
  });
  const error = await assertRejects(() => results.next());
  assertStrictEquals(error, reason);
  assertEquals({ read, calls }, { read: 0, calls: 0 });
  assertEquals(await results.next(), { done: true, value: undefined });
});

Deno.test("Nursery.stream(): iterated in a task, it is cancelled with that task's nursery (the implicit parent)", async () => {
  using time = new FakeTime(0);
  const reason = new Error("stop serving");
  const seen: number[] = [];
  let cancelledCalls = 0;
  let caught: unknown;
  const outcome = Nursery.run(async (nursery) => {
    nursery.startSoon(async () => {
      try {
        for await (
          const value of Nursery.stream(
            [10, 20, 1_000, 1_000],
            (ms, context) =>
              sleep(ms, context).catch((error) => {
                cancelledCalls++;
                throw error;
              }),
          )
        ) seen.push(value);
      } catch (error) {
        caught = error;
        throw error;
      }
    }, { name: "consumer" });
    await delay(25, { signal: nursery.signal });
    nursery.cancel(reason); // no signal was passed to the stream
  });
  await advanceUntilSettled(time, outcome);
  assertStrictEquals(caught, reason);
  assertEquals(seen, [10, 20]);
  assertEquals(cancelledCalls, 2);
});

Deno.test("Nursery.stream(): an input that throws fails the loop, and is not closed", async () => {
  const broken = new Error("input broke");
  let returned = false;
  let i = 0;
  const items: Iterable<number> = {
    [Symbol.iterator]: () => ({
      next: () => {
        if (i === 2) throw broken;
        return { done: false, value: i++ };
      },
      return: () => {
        returned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  const error = await assertRejects(() =>
    Array.fromAsync(Nursery.stream(items, (n) => n))
  );
  assertStrictEquals(error, broken);
  assertEquals(returned, false);
});

Deno.test("Nursery.stream(): a thenable result and a sync fn both work; the handles are never unhandled", async () => {
  using unhandled = countUnhandledRejections();
  const results = await Array.fromAsync(
    Nursery.stream([1, 2, 3], (n, { index }) => {
      if (n !== 2) return n + index;
      return { then: (resolve) => resolve!(20) } as PromiseLike<number>;
    }, { ordered: true }),
  );
  assertEquals(results, [1, 20, 5]);
  const failing = Nursery.stream([1], () => {
    throw new RangeError("sync");
  });
  const error = await assertRejects(() => failing.next(), RangeError);
  assertInstanceOf(error, RangeError);
  await delay(0);
  assertEquals(unhandled.count, 0);
});

Deno.test("Nursery.stream(): break unblocks an async input that waits in next(), by calling its return() at once", async () => {
  const waiting: ((step: IteratorResult<number>) => void)[] = [];
  let returned = 0;
  const queue: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise((resolve) => waiting.push(resolve)),
      return: () => {
        returned++;
        for (const resolve of waiting.splice(0)) {
          resolve({ done: true, value: undefined });
        }
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  const seen: number[] = [];
  const loop = (async () => {
    for await (const value of Nursery.stream(queue, (n) => n * 10)) {
      seen.push(value);
      break; // the stream is blocked reading the next item meanwhile
    }
  })();
  await delay(0);
  waiting.shift()!({ done: false, value: 1 });
  await loop;
  assertEquals(seen, [10]);
  assertEquals(returned, 1);
});

Deno.test("Nursery.stream(): an exception in the loop body stops the stream as break does, and propagates as itself", async () => {
  using time = new FakeTime(0);
  using unhandled = countUnhandledRejections();
  const log: string[] = [];
  const bug = new Error("consumer bug");
  const loop = (async () => {
    for await (
      const value of Nursery.stream([1, 60_000], async (ms, { signal }) => {
        try {
          await delay(ms, { signal });
        } catch {
          log.push(`${ms} cancelled@${Date.now()}`);
          throw new Error("a cleanup that fails too"); // reported to nobody: the loop's error wins
        }
        return ms;
      })
    ) {
      log.push(`got ${value}@${Date.now()}`);
      throw bug;
    }
  })();
  const error = await assertRejects(() => advanceUntilSettled(time, loop));
  assertStrictEquals(error, bug);
  assertEquals(log, ["got 1@1", "60000 cancelled@1"]);
  await time.runMicrotasks();
  assertEquals(unhandled.count, 0);
});
