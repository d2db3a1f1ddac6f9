// Copyright 2026 the @nursery/nursery authors. MIT license.
// Nurseries that survive a failing child (issue #14): `failFast: false` and
// `onTaskError`, options of Nursery.run. Written against the text
// before the core has them: until it does, these tests fail.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { MultiError, Nursery, type NurseryRunOptions } from "./mod.ts";
import {
  advanceUntilSettled,
  heapAfterGc,
  untilCancelled,
} from "./testing/helpers.ts";

const run = Nursery.run;

/** A task that logs when it ends, after `ms`: with `value`, or by throwing it. */
function after(log: string[], name: string, ms: number, outcome?: Error) {
  return async ({ signal }: { signal: AbortSignal }) => {
    try {
      await delay(ms, { signal });
    } catch (reason) {
      log.push(`${name} cancelled@${Date.now()}`);
      throw reason;
    }
    log.push(`${name} ${outcome ? "failed" : "done"}@${Date.now()}`);
    if (outcome) throw outcome;
  };
}

Deno.test("failFast: false: a child's failure cancels nothing; run waits for every task, then rejects with it", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const refused = new Error("a refused");
  const outcome = run((nursery) => {
    nursery.startSoon(after(log, "a", 5, refused));
    nursery.startSoon(after(log, "b", 20));
  }, { failFast: false }).catch((error) => ({ error, at: Date.now() }));
  const { error, at } = await advanceUntilSettled(time, outcome) as {
    error: unknown;
    at: number;
  };
  assertStrictEquals(error, refused);
  assertEquals(at, 20);
  assertEquals(log, ["a failed@5", "b done@20"]);
});

Deno.test("failFast: false: several failures arrive as one MultiError, in the order they happened", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const first = new Error("first");
  const second = new TypeError("second");
  const outcome = run((nursery) => {
    nursery.startSoon(after(log, "late", 10, second));
    nursery.startSoon(after(log, "early", 5, first));
    nursery.startSoon(after(log, "ok", 20));
  }, { failFast: false });
  const error = await assertRejects(
    () => advanceUntilSettled(time, outcome),
    MultiError,
  );
  assertEquals(error.errors, [first, second]);
  assertEquals(log, ["early failed@5", "late failed@10", "ok done@20"]);
});

Deno.test("failFast: false with strict: true still reports one failure as a MultiError", async () => {
  const refused = new Error("refused");
  const error = await assertRejects(
    () =>
      run((nursery) => {
        nursery.startSoon(() => Promise.reject(refused));
        nursery.startSoon(() => "fine");
      }, { failFast: false, strict: true }),
    MultiError,
  );
  assertEquals(error.errors, [refused]);
});

Deno.test("failFast: false: the body's own failure still cancels everything", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const broken = new Error("body broke");
  const outcome = run(async (nursery) => {
    nursery.startSoon(after(log, "child", 60_000));
    await delay(5);
    throw broken;
  }, { failFast: false });
  const error = await assertRejects(() => advanceUntilSettled(time, outcome));
  assertStrictEquals(error, broken);
  assertEquals(log, ["child cancelled@5"]);
});

Deno.test("failFast: false: cancel() and the outer signal still cancel every task", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const controller = new AbortController();
  const outcome = run((nursery) => {
    nursery.startSoon(after(log, "a", 60_000));
    nursery.startSoon(after(log, "b", 60_000));
  }, { failFast: false, signal: controller.signal });
  setTimeout(() => controller.abort("stop"), 10);
  assertEquals(
    await advanceUntilSettled(time, outcome).catch((error) => error),
    "stop",
  );
  assertEquals(log, ["a cancelled@10", "b cancelled@10"]);
});

Deno.test("onTaskError: each child failure goes to the handler with its task, once; siblings go on; run resolves", async () => {
  for (const failFast of [undefined, true, false]) {
    using time = new FakeTime(0);
    const log: string[] = [];
    const handled: [unknown, string][] = [];
    const a = new Error("a failed");
    const b = new Error("b failed");
    const outcome = run((nursery) => {
      nursery.startSoon(after(log, "a", 5, a), { name: "a" });
      nursery.startSoon(after(log, "b", 10, b), { name: "b" });
      nursery.startSoon(after(log, "c", 20), { name: "c" });
      return "served";
    }, {
      failFast,
      onTaskError: (error, task) => void handled.push([error, task.name]),
    });
    assertEquals(await advanceUntilSettled(time, outcome), "served");
    assertEquals(handled, [[a, "a"], [b, "b"]], `failFast: ${failFast}`);
    assertEquals(log, ["a failed@5", "b failed@10", "c done@20"]);
  }
});

Deno.test("onTaskError: handled failures are not in what run rejects with; the body's failure is not handed to it", async () => {
  const handled: unknown[] = [];
  const child = new Error("child");
  const broken = new Error("body");
  const error = await assertRejects(() =>
    run(async (nursery) => {
      await nursery.startSoon(() => Promise.reject(child)).catch(() => {});
      throw broken;
    }, { onTaskError: (error) => void handled.push(error) })
  );
  assertStrictEquals(error, broken);
  assertEquals(handled, [child]);
});

Deno.test("onTaskError: a cancelled child is a cancellation, not handed to the handler", async () => {
  const handled: unknown[] = [];
  await run(async (nursery) => {
    const task = nursery.startSoon(untilCancelled(() => {}));
    task.cancel();
    await task.catch(() => {});
    assertEquals(task.status, "cancelled");
  }, { onTaskError: (error) => void handled.push(error) });
  assertEquals(handled, []);
});

Deno.test("onTaskError: if the handler throws, that error is the nursery's failure, fail-fast", async () => {
  for (const failFast of [true, false]) {
    using time = new FakeTime(0);
    const log: string[] = [];
    const handlerBug = new Error("the handler itself failed");
    const outcome = run((nursery) => {
      nursery.startSoon(after(log, "failing", 5, new Error("request failed")));
      nursery.startSoon(after(log, "sibling", 60_000));
    }, {
      failFast,
      onTaskError: () => {
        throw handlerBug;
      },
    });
    const error = await assertRejects(() => advanceUntilSettled(time, outcome));
    assertStrictEquals(error, handlerBug, `failFast: ${failFast}`);
    assertEquals(log, ["failing failed@5", "sibling cancelled@5"]);
  }
});

Deno.test("a server nursery with onTaskError serves 100,000 requests, a third failing: it keeps serving, the heap stays flat, each failure handled once", async () => {
  const requests = 100_000;
  const batch = 1_000;
  let thrown = 0;
  let served = 0;
  let handled = 0;
  let misattributed = 0;
  // How often each request's failure reached the handler: a fixed array, so
  // that checking "once" does not grow the heap being measured.
  const times = new Uint8Array(requests);
  let growth = 0;
  const stopped = await run(async (server) => {
    let before = 0;
    for (let i = 0; i < requests; i++) {
      server.startSoon(async () => {
        await null;
        if (i % 3 === 0) {
          thrown++;
          throw Object.assign(new Error(`request ${i}`), { request: i });
        }
        served++;
      }, { name: `request ${i}` });
      if ((i + 1) % batch === 0) {
        // Let the batch finish, as a server's requests do between others.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (i + 1 === 10 * batch) before = heapAfterGc(); // after a warm-up
      }
    }
    growth = heapAfterGc() - before;
    return "still serving";
  }, {
    onTaskError: (error, task) => {
      handled++;
      times[(error as { request: number }).request]++;
      if ((error as Error).message !== task.name) misattributed++;
    },
  });
  assertEquals(stopped, "still serving");
  assertEquals(served, requests - Math.ceil(requests / 3));
  assertEquals(thrown, Math.ceil(requests / 3));
  assertEquals(handled, thrown);
  assertEquals(misattributed, 0);
  assert(times.every((count, i) => count === (i % 3 === 0 ? 1 : 0)));
  // 30,000 kept failures would be several MB; handled ones must not stay.
  assert(growth < 1_000_000, `heap grew by ${growth} bytes`);
});

Deno.test("onTaskError and failFast: false leave task handles working as usual", async () => {
  const refused = new Error("refused");
  const handled: unknown[] = [];
  const results = await run(async (nursery) => {
    const ok = nursery.startSoon(() => "ok");
    const failing = nursery.startSoon(() => Promise.reject(refused));
    const reason = await failing.catch((error) => error);
    assertInstanceOf(reason, Error);
    return [await ok, reason.message, failing.status];
  }, { failFast: false, onTaskError: (error) => void handled.push(error) });
  assertEquals(results, ["ok", "refused", "rejected"]);
  assertEquals(handled, [refused]);
});

Deno.test("failFast and onTaskError are checked like the other options, before the body runs", async () => {
  let ran = false;
  const body = () => {
    ran = true;
  };
  const cases: [NurseryRunOptions, string][] = [
    [{ failFast: "no" as never }, "'options.failFast'"],
    [{ onTaskError: 42 as never }, "'options.onTaskError'"],
  ];
  for (const [options, parameter] of cases) {
    await assertRejects(() => run(body, options), TypeError, parameter);
  }
  assertEquals(ran, false);
});
