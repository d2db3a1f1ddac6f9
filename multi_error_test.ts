// Copyright 2026 the @nursery/nursery authors. MIT license.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { MultiError, Nursery } from "./mod.ts";

Deno.test("MultiError is an AggregateError with its errors in order", () => {
  const a = new Error("a");
  const b = new TypeError("b");
  const error = new MultiError([a, b]);
  assertInstanceOf(error, AggregateError);
  assertEquals(error.name, "MultiError");
  assertEquals(error.errors, [a, b]);
  assertEquals(error.message, "2 tasks failed: Error: a; TypeError: b");
  assertEquals(new MultiError([a], "custom").message, "custom");
});

Deno.test("MultiError's message names each task and stays short for many failures", async () => {
  const error = await assertRejects(
    () =>
      Nursery.run((nursery) => {
        for (let i = 0; i < 12; i++) {
          nursery.startSoon(() => Promise.reject(new Error(`e${i}`)), {
            name: `job${i}`,
          });
        }
      }),
    MultiError,
  );
  assertEquals(error.errors.length, 12);
  assertEquals(
    error.message,
    "12 tasks failed: [job0] Error: e0; [job1] Error: e1; [job2] Error: e2; " +
      "[job3] Error: e3; [job4] Error: e4; and 7 more",
  );
});

Deno.test("MultiError's stack shows every child's stack, labelled and indented", async () => {
  const error = await assertRejects(
    () =>
      Nursery.run((nursery) => {
        nursery.startSoon(function loadUser() {
          throw new Error("user down");
        });
        nursery.startSoon(function loadCart() {
          throw new RangeError("cart down");
        });
      }),
    MultiError,
  );
  const stack = error.stack!;
  assert(stack.startsWith("MultiError: 2 tasks failed"));
  assert(stack.includes("\n  [loadUser] Error: user down\n      at "), stack);
  assert(
    stack.includes("\n  [loadCart] RangeError: cart down\n      at "),
    stack,
  );
  // What Deno prints when the error is inspected: the combined stack.
  const printed = Deno.inspect(error);
  assert(printed.includes("[loadUser] Error: user down"), printed);
  assert(printed.includes("[loadCart] RangeError: cart down"), printed);
});

Deno.test("MultiError.from() collapses 0, 1 and many, flattening nested groups", () => {
  const a = new Error("a");
  const b = new Error("b");
  const c = new Error("c");
  assertStrictEquals(MultiError.from([]), undefined);
  assertStrictEquals(MultiError.from([a]), a);
  assertStrictEquals(MultiError.from([new MultiError([a])]), a);
  const group = MultiError.from([a, new MultiError([b, new MultiError([c])])]);
  assertInstanceOf(group, MultiError);
  assertEquals(group.errors, [a, b, c]);
});

Deno.test("MultiError.split() partitions the leaves and collapses each side", () => {
  const t1 = new DOMException("t1", "TimeoutError");
  const t2 = new DOMException("t2", "TimeoutError");
  const bug = new TypeError("bug");
  const isTimeout = (e: unknown) => (e as Error).name === "TimeoutError";
  const [timeouts, rest] = new MultiError([t1, new MultiError([bug, t2])])
    .split(isTimeout);
  assertInstanceOf(timeouts, MultiError);
  assertEquals(timeouts.errors, [t1, t2]);
  assertStrictEquals(rest, bug);
  const [none, all] = new MultiError([bug, t1]).split(() => false);
  assertStrictEquals(none, undefined);
  assertInstanceOf(all, MultiError);
  assertThrows(
    () => new MultiError([]).split(1 as never),
    TypeError,
    "'predicate'",
  );
});

Deno.test("MultiError.from() flattens deep nesting without overflowing the stack", () => {
  let nested: unknown = new Error("leaf");
  for (let i = 0; i < 20_000; i++) nested = new MultiError([nested]);
  assertEquals(
    (MultiError.from([nested, new Error("x")]) as MultiError).errors.length,
    2,
  );
});

Deno.test("MultiError.split() keeps the task labels a nursery gave its failures", async () => {
  const error = await assertRejects(() =>
    Nursery.run((nursery) => {
      nursery.startSoon(() => {
        throw new TypeError("t1");
      }, { name: "a" });
      nursery.startSoon(() => {
        throw new RangeError("r");
      }, { name: "b" });
      nursery.startSoon(() => {
        throw new TypeError("t2");
      }, { name: "c" });
    })
  );
  assertInstanceOf(error, MultiError);
  const [types] = error.split((e) => e instanceof TypeError);
  assertInstanceOf(types, MultiError);
  assertEquals(
    types.message,
    "2 tasks failed: [a] TypeError: t1; [c] TypeError: t2",
  );
});

Deno.test("MultiError's stack names each error even where a stack holds only frames (Firefox)", () => {
  const error = new TypeError("bad");
  error.stack = "f@file:///a.js:1:1\ng@file:///b.js:2:2";
  const group = new MultiError([error, new Error("other")]);
  assert(
    group.stack!.includes("[error 1] TypeError: bad\n  f@file:///a.js:1:1"),
  );
});
