// Copyright 2026 the @nursery/nursery authors. MIT license.
import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { abortable, deadline, delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import {
  failAfter,
  failAt,
  moveOnAfter,
  moveOnAt,
  Nursery,
  type TaskContext,
} from "./mod.ts";
import { untilCancelled } from "./testing/helpers.ts";

function assertTimeoutError(error: unknown): asserts error is DOMException {
  assertInstanceOf(error, DOMException);
  assertEquals(error.name, "TimeoutError");
}

Deno.test("failAfter() around a nursery ends all three sleeping children at the deadline", async () => {
  using time = new FakeTime(0);
  const ended: string[] = [];
  const sleeper = async (ctx: TaskContext) => {
    await delay(60_000, ctx).catch((e) => {
      ended.push(`${ctx.name}@${Date.now()}`);
      throw e;
    });
  };
  const result = failAfter(100, ({ signal }) =>
    Nursery.run((n) => {
      n.startSoon(sleeper, { name: "a" });
      n.startSoon(sleeper, { name: "b" });
      n.startSoon(sleeper, { name: "c" });
    }, { signal }));
  const rejected = assertRejects(() => result);
  await time.tickAsync(99);
  assertEquals(ended, []);
  await time.tickAsync(1);
  await time.runMicrotasks();
  assertTimeoutError(await rejected);
  assertEquals(ended, ["a@100", "b@100", "c@100"]);
});

Deno.test("Nursery.run(body, { timeout }) is failAfter around the nursery", async () => {
  using time = new FakeTime(0);
  let childReason: unknown;
  const result = Nursery.run((n) => {
    n.startSoon(untilCancelled((e) => {
      childReason = e;
    }));
  }, { timeout: 30 });
  const rejected = assertRejects(() => result);
  await time.tickAsync(30);
  await time.runMicrotasks();
  const error = await rejected;
  assertTimeoutError(error);
  assertStrictEquals(childReason, error);
  assertEquals(await Nursery.run(() => "fast", { timeout: 30 }), "fast");
});

Deno.test("moveOnAfter() resolves undefined on its own timeout and passes other errors", async () => {
  using time = new FakeTime(0);
  const cut = moveOnAfter(10, async ({ signal }) => {
    await delay(1_000, { signal });
    return "late";
  });
  await time.tickAsync(10);
  assertEquals(await cut, undefined);
  const bug = new TypeError("bug");
  await assertRejects(
    () => moveOnAfter(10, () => Promise.reject(bug)),
    TypeError,
  );
  assertEquals(await moveOnAfter(10, () => "quick"), "quick");
});

Deno.test("failAfter() returns the value if fn resolves despite the deadline", async () => {
  using time = new FakeTime(0);
  const result = failAfter(10, async ({ signal }) => {
    await delay(20); // ignores its signal
    return signal.aborted ? "finished anyway" : "in time";
  });
  await time.tickAsync(20);
  await time.runMicrotasks();
  assertEquals(await result, "finished anyway");
});

Deno.test("failAfter() passes on an error that is not the deadline's doing", async () => {
  using time = new FakeTime(0);
  const cleanupBug = new RangeError("cleanup failed");
  const result = failAfter(10, async ({ signal }) => {
    await delay(60_000, { signal }).catch(() => {
      throw cleanupBug;
    });
  });
  const rejected = assertRejects(() => result);
  await time.tickAsync(10);
  assertStrictEquals(await rejected, cleanupBug);
});

Deno.test("a deadline that fires after fn settled changes nothing, and no timer outlives it", async () => {
  using time = new FakeTime(0);
  let seen: AbortSignal | undefined;
  assertEquals(
    await failAfter(1_000, ({ signal }) => {
      seen = signal;
      return 1;
    }),
    1,
  );
  assertFalse(time.next()); // the timer was cleared
  assertFalse(seen!.aborted);
});

Deno.test("failAt() and moveOnAt() take a deadline on the Date.now() clock", async () => {
  using time = new FakeTime(5_000);
  const result = failAt(5_050, ({ signal }) => delay(60_000, { signal }));
  const rejected = assertRejects(() => result);
  await time.tickAsync(50);
  assertTimeoutError(await rejected);
  const moved = moveOnAt(5_100, ({ signal }) => delay(60_000, { signal }));
  await time.tickAsync(50);
  assertEquals(await moved, undefined);
});

Deno.test("a deadline already past calls fn with an aborted signal", async () => {
  let abortedOnEntry: boolean | undefined;
  const error = await assertRejects(() =>
    failAt(Date.now() - 1, ({ signal }) => {
      abortedOnEntry = signal.aborted;
      signal.throwIfAborted();
    })
  );
  assert(abortedOnEntry);
  assertTimeoutError(error);
  assertEquals(
    await moveOnAfter(0, ({ signal }) => signal.throwIfAborted()),
    undefined,
  );
});

Deno.test("nested deadlines: the inner one never extends the outer one", async () => {
  using time = new FakeTime(0);
  let innerSaw: unknown;
  const result = failAfter(
    100,
    ({ signal }) =>
      failAfter(1_000, async ({ signal }) => {
        await delay(60_000, { signal }).catch((e) => {
          innerSaw = e;
          throw e;
        });
      }, { signal }),
  );
  const rejected = assertRejects(() => result);
  await time.tickAsync(100);
  await time.runMicrotasks();
  const error = await rejected;
  assertTimeoutError(error);
  assertStrictEquals(innerSaw, error); // the outer deadline's own error
  assertEquals(Date.now(), 100);
});

Deno.test("nested deadlines: a shorter inner moveOnAfter lets the outer scope go on", async () => {
  using time = new FakeTime(0);
  const result = failAfter(100, async ({ signal }) => {
    const first = await moveOnAfter(
      10,
      ({ signal }) => delay(60_000, { signal }),
      {
        signal,
      },
    );
    await delay(20, { signal });
    return first === undefined ? "moved on, then finished" : "?";
  });
  await time.tickAsync(10);
  await time.tickAsync(20);
  await time.runMicrotasks();
  assertEquals(await result, "moved on, then finished");
});

Deno.test("options.signal links a timeout to an outer signal", async () => {
  using time = new FakeTime(0);
  const outer = new AbortController();
  const result = failAfter(1_000, ({ signal }) => delay(60_000, { signal }), {
    signal: outer.signal,
  });
  const rejected = assertRejects(() => result);
  await time.tickAsync(5);
  outer.abort("outer reason");
  assertEquals(await rejected, "outer reason");
});

Deno.test("a TimeoutError is a failure to the nursery around it, not a cancellation", async () => {
  using time = new FakeTime(0);
  let siblingCancelled = false;
  const result = Nursery.run((n) => {
    n.startSoon(() => failAfter(10, ({ signal }) => delay(60_000, { signal })));
    n.startSoon(untilCancelled(() => {
      siblingCancelled = true;
    }));
  });
  const rejected = assertRejects(() => result);
  await time.tickAsync(10);
  await time.runMicrotasks();
  assertTimeoutError(await rejected);
  assert(siblingCancelled);
});

Deno.test("timeouts longer than setTimeout's 32-bit limit still fire on time", async () => {
  using time = new FakeTime(0);
  const long = 2 ** 32;
  const result = failAfter(long, ({ signal }) => delay(Infinity, { signal }));
  const rejected = assertRejects(() => result);
  await time.tickAsync(2 ** 31);
  await time.runMicrotasks();
  let settled = false;
  rejected.then(() => settled = true);
  await time.runMicrotasks();
  assertFalse(settled);
  await time.tickAsync(long - 2 ** 31);
  await time.runMicrotasks();
  assertTimeoutError(await rejected);
  assertEquals(Date.now(), long);
});

Deno.test("bad arguments reject with a TypeError or RangeError naming them", async () => {
  const work = () => 1;
  const cases: [() => Promise<unknown>, typeof TypeError, string][] = [
    [() => failAfter(-1, work), RangeError, "'ms'"],
    [() => failAfter(NaN, work), RangeError, "'ms'"],
    [() => failAfter("5" as never, work), TypeError, "'ms'"],
    [() => moveOnAfter(5, null as never), TypeError, "'fn'"],
    [() => failAt(NaN, work), RangeError, "'deadline'"],
    [() => moveOnAt("soon" as never, work), TypeError, "'deadline'"],
    [
      () => failAfter(5, work, { signal: "x" as never }),
      TypeError,
      "'options.signal'",
    ],
    [
      () => Nursery.run(work, { timeout: -5 } as never),
      RangeError,
      "'options.timeout'",
    ],
  ];
  for (const [call, ErrorClass, parameter] of cases) {
    await assertRejects(call, ErrorClass, parameter);
  }
  assertEquals(await failAfter(Infinity, work), 1);
});

Deno.test("@std/async interop: deadline() abandons a nursery, failAfter() cancels it", async () => {
  using time = new FakeTime(0);
  const outer = new AbortController();
  let childStillRunning = true;
  const work = (signal?: AbortSignal) =>
    Nursery.run((n) => {
      n.startSoon(async (ctx) => {
        try {
          await delay(60_000, ctx);
        } finally {
          childStillRunning = false;
        }
      });
    }, { signal });
  // deadline() stops waiting, but the nursery's child keeps running...
  const abandoned = work(outer.signal);
  const waited = assertRejects(() => deadline(abandoned, 10));
  await time.tickAsync(10);
  assertTimeoutError(await waited);
  assert(childStillRunning);
  outer.abort("clean up");
  await assertRejects(() => abandoned);
  assertFalse(childStillRunning);
  // ...while failAfter() cancels it and waits for it before rejecting.
  childStillRunning = true;
  const cancelled = assertRejects(() =>
    failAfter(10, ({ signal }) => work(signal))
  );
  await time.tickAsync(10);
  assertTimeoutError(await cancelled);
  assertFalse(childStillRunning);
});

Deno.test("@std/async interop: delay(ms, ctx) and abortable(p, ctx.signal) honour a task's cancellation", async () => {
  using time = new FakeTime(0);
  const reasons: unknown[] = [];
  const result = Nursery.run((n) => {
    n.startSoon((ctx) => delay(60_000, ctx).catch((e) => reasons.push(e)));
    n.startSoon((ctx) =>
      abortable(new Promise(() => {}), ctx.signal).catch((e) => reasons.push(e))
    );
    n.startSoon(async (ctx) => {
      await delay(5, ctx);
      n.cancel("stop");
    });
  });
  await time.tickAsync(5);
  await time.runMicrotasks();
  await result;
  assertEquals(reasons, ["stop", "stop"]);
});
