// Copyright 2026 the @nursery/nursery authors. MIT license.
// Bad input: every public entry point, called wrongly, fails at once with a
// TypeError or RangeError naming the parameter, and leaves a nursery working.
import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  configureImplicitTree,
  failAfter,
  failAt,
  moveOnAfter,
  moveOnAt,
  MultiError,
  Nursery,
  NurseryClosedError,
  shield,
} from "./mod.ts";

type ErrorClass = typeof TypeError | typeof RangeError;
const fn = () => 1;
const loose = (value: unknown): never => value as never;
const promiseInsteadOfFunction = Promise.resolve(1);

const asyncCases: [string, () => Promise<unknown>, ErrorClass, string][] = [
  [
    "run: body not a function",
    () => Nursery.run(loose(42)),
    TypeError,
    "'body'",
  ],
  [
    "run: a promise as body",
    () => Nursery.run(loose(promiseInsteadOfFunction)),
    TypeError,
    "'body'",
  ],
  [
    "run: options not an object",
    () => Nursery.run(fn, loose("x")),
    TypeError,
    "'options'",
  ],
  [
    "run: signal not a signal",
    () => Nursery.run(fn, loose({ signal: {} })),
    TypeError,
    "'options.signal'",
  ],
  [
    "run: name not a string",
    () => Nursery.run(fn, loose({ name: 1 })),
    TypeError,
    "'options.name'",
  ],
  [
    "run: strict not a boolean",
    () => Nursery.run(fn, loose({ strict: 1 })),
    TypeError,
    "'options.strict'",
  ],
  [
    "run: concurrency 0",
    () => Nursery.run(fn, { concurrency: 0 }),
    RangeError,
    "'options.concurrency'",
  ],
  [
    "run: concurrency -1",
    () => Nursery.run(fn, { concurrency: -1 }),
    RangeError,
    "'options.concurrency'",
  ],
  [
    "run: concurrency 2.5",
    () => Nursery.run(fn, { concurrency: 2.5 }),
    RangeError,
    "'options.concurrency'",
  ],
  [
    "run: concurrency NaN",
    () => Nursery.run(fn, { concurrency: NaN }),
    RangeError,
    "'options.concurrency'",
  ],
  [
    "run: timeout -1",
    () => Nursery.run(fn, { timeout: -1 }),
    RangeError,
    "'options.timeout'",
  ],
  [
    "run: timeout NaN",
    () => Nursery.run(fn, { timeout: NaN }),
    RangeError,
    "'options.timeout'",
  ],
  [
    "run: timeout a string",
    () => Nursery.run(fn, loose({ timeout: "1" })),
    TypeError,
    "'options.timeout'",
  ],
  [
    "run: slowCancelAfter -5",
    () => Nursery.run(fn, { slowCancelAfter: -5 }),
    RangeError,
    "'options.slowCancelAfter'",
  ],
  [
    "run: onSlowCancel not a function",
    () => Nursery.run(fn, loose({ onSlowCancel: 1 })),
    TypeError,
    "'options.onSlowCancel'",
  ],
  [
    "run: taskScopes not a boolean",
    () => Nursery.run(fn, loose({ taskScopes: "yes" })),
    TypeError,
    "'options.taskScopes'",
  ],
  [
    "map: items not iterable",
    () => Nursery.map(loose(5), fn),
    TypeError,
    "'items'",
  ],
  [
    "map: fn not a function",
    () => Nursery.map([1], loose(null)),
    TypeError,
    "'fn'",
  ],
  [
    "map: concurrency 0",
    () => Nursery.map([1], fn, { concurrency: 0 }),
    RangeError,
    "'options.concurrency'",
  ],
  [
    "map: signal not a signal",
    () => Nursery.map([1], fn, loose({ signal: {} })),
    TypeError,
    "'options.signal'",
  ],
  ["map: items null", () => Nursery.map(loose(null), fn), TypeError, "'items'"],
  [
    "any: contenders not iterable",
    () => Nursery.any(loose(7)),
    TypeError,
    "'contenders'",
  ],
  [
    "any: a contender not a function",
    () => Nursery.any([fn, loose("connect")]),
    TypeError,
    "'contenders[1]'",
  ],
  [
    "any: stagger negative",
    () => Nursery.any([fn], { stagger: -1 }),
    RangeError,
    "'options.stagger'",
  ],
  [
    "any: stagger NaN",
    () => Nursery.any([fn], { stagger: NaN }),
    RangeError,
    "'options.stagger'",
  ],
  [
    "any: stagger a string",
    () => Nursery.any([fn], loose({ stagger: "250" })),
    TypeError,
    "'options.stagger'",
  ],
  [
    "any: options not an object",
    () => Nursery.any([fn], loose(250)),
    TypeError,
    "'options'",
  ],
  ["failAfter: ms negative", () => failAfter(-1, fn), RangeError, "'ms'"],
  ["failAfter: ms NaN", () => failAfter(NaN, fn), RangeError, "'ms'"],
  [
    "failAfter: ms a string",
    () => failAfter(loose("10"), fn),
    TypeError,
    "'ms'",
  ],
  [
    "failAfter: fn a promise",
    () => failAfter(10, loose(promiseInsteadOfFunction)),
    TypeError,
    "'fn'",
  ],
  [
    "failAfter: signal not a signal",
    () => failAfter(10, fn, loose({ signal: 1 })),
    TypeError,
    "'options.signal'",
  ],
  ["moveOnAfter: ms negative", () => moveOnAfter(-3, fn), RangeError, "'ms'"],
  ["failAt: deadline NaN", () => failAt(NaN, fn), RangeError, "'deadline'"],
  [
    "failAt: deadline a Date",
    () => failAt(loose(new Date()), fn),
    TypeError,
    "'deadline'",
  ],
  [
    "moveOnAt: fn missing",
    () => moveOnAt(0, loose(undefined)),
    TypeError,
    "'fn'",
  ],
];

const syncCases: [string, () => unknown, ErrorClass, string][] = [
  [
    "stream: items not iterable",
    () => Nursery.stream(loose(5), fn),
    TypeError,
    "'items'",
  ],
  [
    "stream: fn not a function",
    () => Nursery.stream([1], loose(null)),
    TypeError,
    "'fn'",
  ],
  [
    "stream: concurrency 0",
    () => Nursery.stream([1], fn, { concurrency: 0 }),
    RangeError,
    "'options.concurrency'",
  ],
  [
    "stream: concurrency 2.5",
    () => Nursery.stream([1], fn, { concurrency: 2.5 }),
    RangeError,
    "'options.concurrency'",
  ],
  [
    "stream: ordered not a boolean",
    () => Nursery.stream([1], fn, loose({ ordered: "yes" })),
    TypeError,
    "'options.ordered'",
  ],
  [
    "stream: signal not a signal",
    () => Nursery.stream([1], fn, loose({ signal: 1 })),
    TypeError,
    "'options.signal'",
  ],
  [
    "stream: options not an object",
    () => Nursery.stream([1], fn, loose("x")),
    TypeError,
    "'options'",
  ],
  ["shield: fn not a function", () => shield(loose(1)), TypeError, "'fn'"],
  [
    "shield: timeout negative",
    () => shield(fn, { timeout: -1 }),
    RangeError,
    "'options.timeout'",
  ],
  [
    "shield: timeout a string",
    () => shield(fn, loose({ timeout: "1" })),
    TypeError,
    "'options.timeout'",
  ],
  [
    "MultiError: errors not iterable",
    () => new MultiError(loose(3)),
    TypeError,
    "'errors'",
  ],
  [
    "MultiError: message not a string",
    () => new MultiError([], loose(3)),
    TypeError,
    "'message'",
  ],
  [
    "MultiError.from: errors not iterable",
    () => MultiError.from(loose(null)),
    TypeError,
    "'errors'",
  ],
  [
    "split: predicate not a function",
    () => new MultiError([]).split(loose(1)),
    TypeError,
    "'predicate'",
  ],
  [
    "configureImplicitTree: no options",
    () => configureImplicitTree(loose(undefined)),
    TypeError,
    "'options'",
  ],
  [
    "configureImplicitTree: options not an object",
    () => configureImplicitTree(loose(false)),
    TypeError,
    "'options'",
  ],
  [
    "configureImplicitTree: asyncContext not a boolean",
    () => configureImplicitTree(loose({ asyncContext: "no" })),
    TypeError,
    "'options.asyncContext'",
  ],
  [
    "configureImplicitTree: warn not a boolean",
    () => configureImplicitTree(loose({ warn: 0 })),
    TypeError,
    "'options.warn'",
  ],
];

Deno.test("bad arguments to asynchronous entry points reject at once, naming the parameter", async () => {
  for (const [what, call, ErrorClass, parameter] of asyncCases) {
    const error = await assertRejects(call, ErrorClass, parameter, what);
    assertEquals(error.constructor, ErrorClass, what);
  }
});

Deno.test("bad arguments to synchronous entry points throw at once, naming the parameter", () => {
  for (const [what, call, ErrorClass, parameter] of syncCases) {
    assertThrows(call, ErrorClass, parameter, what);
  }
});

Deno.test("bad calls on a nursery throw synchronously and leave it working for other tasks", async () => {
  let escaped: Nursery | undefined;
  const results = await Nursery.run(async (n) => {
    escaped = n;
    assertThrows(() => n.startSoon(loose(42)), TypeError, "'fn'");
    assertThrows(
      () => n.startSoon(loose(promiseInsteadOfFunction)),
      TypeError,
      "'fn'",
    );
    assertThrows(() => n.startSoon(fn, loose(7)), TypeError, "'options'");
    assertThrows(
      () => n.startSoon(fn, loose({ name: {} })),
      TypeError,
      "'options.name'",
    );
    await assertRejects(() => n.start(loose("nope")), TypeError, "'fn'");
    const value = await n.start<number>(({ started }) => {
      started(1);
      assertThrows(() => started(2), Error, "already called");
    });
    return [value, await n.startSoon(() => 2)];
  });
  assertEquals(results, [1, 2]);
  assertThrows(() => escaped!.startSoon(fn), NurseryClosedError);
  await assertRejects(() => escaped!.start(fn), NurseryClosedError);
});
