// Copyright 2026 the @nursery/nursery authors. MIT license.
import {
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { type AnyContext, type Contender, MultiError, Nursery } from "./mod.ts";
import {
  advanceUntilSettled,
  countUnhandledRejections,
} from "./testing/helpers.ts";

/** A contender that logs when it starts and ends, and after `ms` returns `value` or throws it. */
function contender(
  log: string[],
  name: string,
  ms: number,
  outcome: string | Error,
): Contender<string> {
  return async ({ signal }: AnyContext) => {
    log.push(`${name} started@${Date.now()}`);
    try {
      await delay(ms, { signal });
    } catch (reason) {
      log.push(`${name} cancelled@${Date.now()}`);
      throw reason;
    }
    if (outcome instanceof Error) {
      log.push(`${name} failed@${Date.now()}`);
      throw outcome;
    }
    return outcome;
  };
}

Deno.test("Nursery.any() resolves with the first value fulfilled, after cancelling and waiting for the others", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const slowToStop: Contender<string> = async ({ signal }) => {
    try {
      await delay(60_000, { signal });
    } finally {
      await delay(5); // cleanup that takes time, and is waited for
      log.push(`c ended@${Date.now()}`);
    }
    return "c";
  };
  const winner = Nursery.any([
    contender(log, "a", 30, "a"),
    contender(log, "b", 10, "b"),
    slowToStop,
  ]).then((value) => `${value}@${Date.now()}`);
  assertEquals(await advanceUntilSettled(time, winner), "b@15");
  assertEquals(log, [
    "a started@0",
    "b started@0",
    "a cancelled@10",
    "c ended@15",
  ]);
});

Deno.test("Nursery.any(): a failing contender ends only itself", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const winner = Nursery.any([
    contender(log, "a", 5, new Error("refused")),
    contender(log, "b", 20, "b"),
  ]);
  assertEquals(await advanceUntilSettled(time, winner), "b");
  assertEquals(log, ["a started@0", "b started@0", "a failed@5"]);
});

Deno.test("Nursery.any(): when every contender fails, it rejects with a MultiError of their failures in input order", async () => {
  using time = new FakeTime(0);
  using unhandled = countUnhandledRejections();
  const log: string[] = [];
  const first = new Error("a refused");
  const second = new TypeError("b refused");
  const race = Nursery.any([
    contender(log, "a", 30, first),
    contender(log, "b", 10, second),
  ]);
  const error = await assertRejects(
    () => advanceUntilSettled(time, race),
    MultiError,
  );
  assertInstanceOf(error, AggregateError); // as Promise.any rejects
  assertEquals(error.errors, [first, second]);
  assertEquals(unhandled.count, 0);
});

Deno.test("Nursery.any(): a single contender that fails still rejects with a MultiError", async () => {
  const refused = new Error("refused");
  const error = await assertRejects(
    () => Nursery.any([() => Promise.reject(refused)]),
    MultiError,
  );
  assertEquals(error.errors, [refused]);
});

Deno.test("Nursery.any(): an empty list rejects at once with an empty MultiError that says so", async () => {
  for (const contenders of [[], (function* () {})()]) {
    const error = await assertRejects(
      () => Nursery.any(contenders),
      MultiError,
      "no contenders",
    );
    assertEquals(error.errors, []);
  }
});

Deno.test("Nursery.any() with stagger: contender k+1 starts when k fails or `stagger` ms after k started, read lazily", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  function* attempts(): Generator<Contender<string>> {
    try {
      log.push(`read 0@${Date.now()}`);
      yield contender(log, "0", 100, new Error("0 refused")); // fails first
      log.push(`read 1@${Date.now()}`);
      yield contender(log, "1", 60_000, "1"); // hangs
      log.push(`read 2@${Date.now()}`);
      yield contender(log, "2", 10, "2"); // wins
      log.push(`read 3@${Date.now()}`);
      yield contender(log, "3", 0, "3");
    } finally {
      log.push(`closed@${Date.now()}`);
    }
  }
  const winner = Nursery.any(attempts(), { stagger: 250 });
  assertEquals(await advanceUntilSettled(time, winner), "2");
  assertEquals(log, [
    "read 0@0",
    "0 started@0",
    "0 failed@100",
    "read 1@100", // 0 failed before its 250 ms were up
    "1 started@100",
    "read 2@350", // 1 neither failed nor won within 250 ms
    "2 started@350",
    "closed@360", // 2 won: the generator is closed, 3 never read
    "1 cancelled@360",
  ]);
});

Deno.test("Nursery.any() with stagger: contender k+1 waits only for contender k, not for an earlier one's failure", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const winner = Nursery.any([
    contender(log, "0", 300, new Error("0 refused")),
    contender(log, "1", 60_000, "1"),
    contender(log, "2", 10, "2"),
  ], { stagger: 250 });
  assertEquals(await advanceUntilSettled(time, winner), "2");
  assertEquals(log, [
    "0 started@0",
    "1 started@250",
    "0 failed@300",
    "2 started@500",
    "1 cancelled@510",
  ]);
});

Deno.test("Nursery.any() with stagger: Infinity starts each contender only when the previous one failed", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const winner = Nursery.any([
    contender(log, "0", 10, new Error("0 refused")),
    contender(log, "1", 20, new Error("1 refused")),
    contender(log, "2", 5, "2"),
  ], { stagger: Infinity });
  assertEquals(await advanceUntilSettled(time, winner), "2");
  assertEquals(log, [
    "0 started@0",
    "0 failed@10",
    "1 started@10",
    "1 failed@30",
    "2 started@30",
  ]);
});

Deno.test("Nursery.any(): the outer signal cancels every contender and it rejects with the reason", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const controller = new AbortController();
  const reason = new Error("user went away");
  const race = Nursery.any([
    contender(log, "0", 60_000, "0"),
    contender(log, "1", 60_000, "1"),
    contender(log, "2", 60_000, "2"),
  ], { signal: controller.signal, stagger: 10 });
  setTimeout(() => controller.abort(reason), 15);
  const error = await assertRejects(() => advanceUntilSettled(time, race));
  assertStrictEquals(error, reason);
  assertEquals(log, [
    "0 started@0",
    "1 started@10",
    "0 cancelled@15",
    "1 cancelled@15",
  ]);
});

Deno.test("Nursery.any(): an outer signal aborted already calls no contender", async () => {
  let calls = 0;
  const reason = new Error("too late");
  const error = await assertRejects(() =>
    Nursery.any([() => calls++], { signal: AbortSignal.abort(reason) })
  );
  assertStrictEquals(error, reason);
  assertEquals(calls, 0);
});

Deno.test("Nursery.any() inside a task is cancelled with that task's nursery (the implicit parent)", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const reason = new Error("shutting down");
  let raceError: unknown;
  const outcome = Nursery.run(async (nursery) => {
    nursery.startSoon(() =>
      Nursery.any([contender(log, "0", 60_000, "0")]).catch((error) => {
        raceError = error;
        throw error;
      })
    );
    await delay(10, { signal: nursery.signal });
    nursery.cancel(reason);
  });
  await advanceUntilSettled(time, outcome);
  assertStrictEquals(raceError, reason);
  assertEquals(log, ["0 started@0", "0 cancelled@10"]);
});

Deno.test("Nursery.any(): a contender read lazily that is not a function fails the race and cancels the others", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const race = Nursery.any(
    [contender(log, "0", 60_000, "0"), 42 as never],
    { stagger: 10 },
  );
  const error = await assertRejects(
    () => advanceUntilSettled(time, race),
    TypeError,
    "'contenders[1]'",
  );
  assertInstanceOf(error, TypeError);
  assertEquals(log, ["0 started@0", "0 cancelled@10"]);
});
