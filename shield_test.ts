// Copyright 2026 the @nursery/nursery authors. MIT license.
import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import {
  currentSignal,
  Nursery,
  shield,
  type Task,
  type TaskContext,
} from "./mod.ts";
import { untilCancelled } from "./testing/helpers.ts";

Deno.test("shield(): the payment finishes even though the SMS failed", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const smsDown = new Error("SMS gateway down");
  let settledAt = -1;
  const result = Nursery.run((n) => {
    n.startSoon(shield(async function performPayment(ctx: TaskContext) {
      await delay(100, ctx);
      log.push(`charged@${Date.now()} aborted=${ctx.signal.aborted}`);
    }));
    n.startSoon(async function sendSms(ctx) {
      await delay(10, ctx);
      throw smsDown;
    });
    n.startSoon(async function sendEmail(ctx) {
      await delay(1_000, ctx).catch((e) => {
        log.push(`email cancelled@${Date.now()}`);
        throw e;
      });
    });
  }).finally(() => settledAt = Date.now());
  const rejected = assertRejects(() => result);
  await time.tickAsync(10);
  await time.tickAsync(90);
  await time.runMicrotasks();
  assertStrictEquals(await rejected, smsDown);
  // The nursery waited for the shielded payment before it ended.
  assertEquals(log, ["email cancelled@10", "charged@100 aborted=false"]);
  assertEquals(settledAt, 100);
});

Deno.test("shield(): a shielded task's own failure is reported and cancels its siblings", async () => {
  using time = new FakeTime(0);
  const declined = new Error("card declined");
  let siblingCancelled = false;
  const result = Nursery.run((n) => {
    n.startSoon(shield(async (ctx) => {
      await delay(10, ctx);
      throw declined;
    }));
    n.startSoon(untilCancelled(() => {
      siblingCancelled = true;
    }));
  });
  const rejected = assertRejects(() => result);
  await time.tickAsync(10);
  await time.runMicrotasks();
  assertStrictEquals(await rejected, declined);
  assert(siblingCancelled);
});

Deno.test("shield({ timeout }): a shielded task that outlives its bound fails with TimeoutError", async () => {
  using time = new FakeTime(0);
  const boom = new Error("boom");
  let shieldedSaw: unknown;
  const result = Nursery.run((n) => {
    n.startSoon(
      shield(
        untilCancelled((e) => {
          shieldedSaw = e;
        }),
        { timeout: 50 },
      ),
      { name: "flush" },
    );
    n.startSoon(() => Promise.reject(boom));
  }, { strict: true });
  const rejected = assertRejects(() => result);
  await time.tickAsync(49);
  assertEquals(shieldedSaw, undefined); // not cancelled by the failure
  await time.tickAsync(1);
  await time.runMicrotasks();
  const error = await rejected as AggregateError;
  assertEquals(error.errors.length, 2);
  assertStrictEquals(error.errors[0], boom);
  assertInstanceOf(error.errors[1], DOMException);
  assertEquals(error.errors[1].name, "TimeoutError");
  assertStrictEquals(shieldedSaw, error.errors[1]);
});

Deno.test("shield({ timeout }): the timer is cleared when the task finishes in time", async () => {
  using time = new FakeTime(0);
  const result = Nursery.run((n) => {
    const task = n.startSoon(
      shield(async (ctx: TaskContext) => {
        await delay(10, ctx);
        return "done";
      }, { timeout: 1_000 }),
    );
    return task;
  });
  await time.tickAsync(10);
  await time.runMicrotasks();
  assertEquals(await result, "done");
  // No timer is left behind: nothing is due any more.
  assertFalse(time.next());
});

Deno.test("shield(): task.cancel() still cancels a shielded task, through the signal it sees", async () => {
  using time = new FakeTime(0);
  let seen: AbortSignal | undefined;
  let handle: Task<void> | undefined;
  const result = Nursery.run(async (n) => {
    handle = n.startSoon(shield(async (ctx: TaskContext) => {
      seen = ctx.signal;
      await delay(60_000, ctx);
    }));
    await delay(5);
    handle.cancel("direct");
  });
  await time.tickAsync(5);
  await time.runMicrotasks();
  await result;
  assertStrictEquals(handle!.signal, seen);
  assertEquals(seen!.reason, "direct");
  assertEquals(handle!.status, "cancelled");
});

Deno.test("shield(): a shielded task started into a cancelled nursery is not cancelled", async () => {
  let aborted: boolean | undefined;
  await Nursery.run((n) => {
    n.cancel();
    n.startSoon(shield(({ signal }) => {
      aborted = signal.aborted;
    }));
  });
  assertEquals(aborted, false);
});

Deno.test("shield(): works with start(), and survives the nursery's cancellation afterwards", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const result = Nursery.run(async (n) => {
    const ready = await n.start<string>(shield(async (ctx) => {
      ctx.started("ready");
      await delay(100, ctx);
      log.push(`finished@${Date.now()}`);
    }));
    log.push(ready);
    n.cancel();
  });
  await time.tickAsync(100);
  await time.runMicrotasks();
  await result;
  assertEquals(log, ["ready", "finished@100"]);
});

Deno.test("shield(fn)(context) on its own gives fn a signal out of context.signal's reach", async () => {
  const outer = new AbortController();
  outer.abort("outer");
  let inner: AbortSignal | undefined;
  const value = await shield(({ signal, name }: TaskContext) => {
    inner = signal;
    return `${name}:${signal.aborted}`;
  })({ signal: outer.signal, name: "alone" });
  assertEquals(value, "alone:false");
  assert(inner !== outer.signal);
});

Deno.test("shield() rejects bad arguments with a TypeError or RangeError naming them", () => {
  const untyped = shield as (fn: unknown, options?: unknown) => unknown;
  assertThrows(() => untyped(42), TypeError, "'fn'");
  assertThrows(() => untyped(() => {}, 5), TypeError, "'options'");
  assertThrows(
    () => untyped(() => {}, { timeout: "1" }),
    TypeError,
    "'options.timeout'",
  );
  assertThrows(
    () => untyped(() => {}, { timeout: -1 }),
    RangeError,
    "'options.timeout'",
  );
  assertThrows(
    () => untyped(() => {}, { timeout: NaN }),
    RangeError,
    "'options.timeout'",
  );
});

Deno.test("shield({ timeout }): a function that throws at once fails the task, and clears its timer", async () => {
  using time = new FakeTime(0);
  const boom = new TypeError("bad input");
  const error = await assertRejects(() =>
    Nursery.run((n) => {
      n.startSoon(shield(() => {
        throw boom;
      }, { timeout: 1_000 }));
    })
  );
  assertStrictEquals(error, boom);
  assertFalse(time.next()); // no timer left behind
});

Deno.test("shield(fn)(ctx) called inside a task shields the nurseries it opens from the task's cancellation", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const result = Nursery.run((n) => {
    n.startSoon(async (ctx) => {
      await shield(() =>
        Nursery.run((inner) => {
          inner.startSoon(async () => {
            await delay(50, { signal: currentSignal() });
            log.push(`saved@${Date.now()}`);
          });
        })
      )(ctx);
    });
    n.startSoon(async () => {
      await delay(10);
      n.cancel("stop");
    });
  });
  await time.tickAsync(10);
  await time.tickAsync(40);
  await time.runMicrotasks();
  await result;
  assertEquals(log, ["saved@50"]);
});
