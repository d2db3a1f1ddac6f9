// Copyright 2026 the @nursery/nursery authors. MIT license.
// Pins the @std behaviours this repository's tests rely on. It runs against
// whichever @std the test task chose, so it passing in both modes (and under
// ../shared/tools/std_harness.sh) is what shows the stand-ins agree.
import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { abortable, deadline, delay } from "@std/async";
import { FakeTime } from "@std/testing/time";

Deno.test("FakeTime.tick() runs due timers in order without flushing promises", () => {
  using time = new FakeTime(1_000);
  const log: string[] = [];
  setTimeout(() => log.push("b"), 20);
  setTimeout(() => {
    log.push("a");
    Promise.resolve().then(() => log.push("microtask"));
    setTimeout(() => log.push("nested"), 5);
  }, 10);
  time.tick(20);
  assertEquals(log, ["a", "nested", "b"]);
  assertEquals(Date.now(), 1_020);
  assertEquals(time.now, 1_020);
});

Deno.test("FakeTime.tickAsync() flushes promise callbacks before advancing, not between timers", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  Promise.resolve().then(() => log.push("before"));
  setTimeout(() => Promise.resolve().then(() => log.push("hop")), 5);
  setTimeout(
    () => log.push(`second timer saw hop: ${log.includes("hop")}`),
    10,
  );
  await time.tickAsync(10);
  // sinon's tickAsync would have run "hop" before the second timer.
  assertEquals(log, ["before", "second timer saw hop: false", "hop"]);
});

Deno.test("FakeTime.next(), nextAsync(), runAllAsync(), intervals and clears", async () => {
  using time = new FakeTime(0);
  const log: number[] = [];
  const interval = setInterval(() => log.push(Date.now()), 10);
  const cleared = setTimeout(() => log.push(-1), 15);
  clearTimeout(cleared);
  assert(time.next());
  assert(await time.nextAsync());
  clearInterval(interval);
  setTimeout(() => log.push(Date.now()), 100);
  await time.runAllAsync();
  assertFalse(time.next());
  assertEquals(log, [10, 20, 120]);
});

Deno.test("FakeTime: one instance at a time, and it fakes AbortSignal.timeout", () => {
  const time = new FakeTime(0);
  try {
    assertThrows(() => new FakeTime());
    const signal = AbortSignal.timeout(50);
    time.tick(49);
    assertFalse(signal.aborted);
    time.tick(1);
    assert(signal.aborted);
    assertEquals((signal.reason as DOMException).name, "TimeoutError");
  } finally {
    time.restore();
  }
  assertThrows(() => time.restore());
});

Deno.test("delay() rejects with the signal's reason", async () => {
  using time = new FakeTime(0);
  const controller = new AbortController();
  const slept = delay(100, { signal: controller.signal });
  controller.abort("why");
  assertEquals(await slept.catch((e) => e), "why");
  await assertRejects(() => delay(1, { signal: controller.signal }));
  const ok = delay(5);
  await time.tickAsync(5);
  assertEquals(await ok, undefined);
});

Deno.test("deadline() rejects with a TimeoutError DOMException, abortable() with the reason", async () => {
  using time = new FakeTime(0);
  const late = deadline(new Promise(() => {}), 10);
  await time.tickAsync(10);
  const error = await late.catch((e) => e);
  assertInstanceOf(error, DOMException);
  assertEquals(error.name, "TimeoutError");
  const controller = new AbortController();
  const cut = abortable(new Promise(() => {}), controller.signal);
  controller.abort("stop");
  assertEquals(await cut.catch((e) => e), "stop");
});

Deno.test("assertRejects()/assertThrows() check class and message and return the error", async () => {
  const e = await assertRejects(
    () => Promise.reject(new RangeError("out of range")),
    RangeError,
    "of range",
  );
  assertEquals(e.message, "out of range");
  await assertRejects(() =>
    assertRejects(() => Promise.reject(new TypeError("x")), RangeError)
  );
  await assertRejects(() => assertRejects(() => Promise.resolve()));
  const thrown = assertThrows(() => {
    throw "plain";
  });
  assertStrictEquals(thrown, "plain");
  assertThrows(() => assertThrows(() => {}));
  assertThrows(() => assertEquals({ a: [1] }, { a: [2] }));
  assertThrows(() => assertStrictEquals({}, {}));
  assertThrows(() => assertInstanceOf(1, Error));
  assertThrows(() => assertFalse(true));
});

Deno.test("assertEquals() compares deeply: nesting, Map and Set in any order, Date, NaN, prototypes, missing keys", () => {
  assertEquals([1, { a: [2, "x"] }], [1, { a: [2, "x"] }]);
  assertEquals(new Map([["k", { v: 1 }]]), new Map([["k", { v: 1 }]]));
  assertEquals(new Set([1, 2, 3]), new Set([3, 2, 1]));
  assertEquals(new Date(5), new Date(5));
  assertEquals(NaN, NaN);
  assertThrows(() => assertEquals(new Map([["k", 1]]), new Map([["k", 2]])));
  assertThrows(() => assertEquals(new Set([1]), new Set([2])));
  assertThrows(() => assertEquals(new Date(5), new Date(6)));
  assertThrows(() => assertEquals({ a: undefined }, {}));
  assertThrows(() => assertEquals([1, 2], [1, 2, 3]));
  class Point {
    constructor(public x: number) {}
  }
  assertThrows(() => assertEquals(new Point(1), { x: 1 }));
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  const other: { self?: unknown } = {};
  other.self = other;
  assertEquals(cyclic, other);
});
