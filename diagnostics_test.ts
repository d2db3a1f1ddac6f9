// Copyright 2026 the @nursery/nursery authors. MIT license.
// Errors and names that say what happened, dumpTasks() and instrument().
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import {
  Cancelled,
  dumpTasks,
  failAfter,
  instrument,
  MultiError,
  Nursery,
  shield,
} from "./mod.ts";
import { untilCancelled } from "./testing/helpers.ts";

Deno.test("a TimeoutError names the helper, the scope and the duration", async () => {
  using time = new FakeTime(0);
  const inCrawl = Nursery.run(async (nursery) => {
    await nursery.startSoon(() => failAfter(250, (ctx) => delay(1_000, ctx)));
  }, { name: "crawl" });
  const bounded = Nursery.run((n) => {
    n.startSoon(untilCancelled(() => {}));
  }, { name: "import", timeout: 1_500 });
  const shielded = Nursery.run((n) => {
    n.startSoon(
      shield((ctx) => delay(5_000, ctx), { timeout: 2_000 }),
      { name: "pay" },
    );
  });
  const errors = Promise.all(
    [inCrawl, bounded, shielded].map((p) => p.catch((e) => e)),
  );
  await time.tickAsync(2_000);
  const [crawl, imported, pay] = await errors;
  for (const error of [crawl, imported, pay]) {
    assertInstanceOf(error, DOMException);
    assertEquals(error.name, "TimeoutError");
  }
  assertEquals(
    crawl.message,
    'failAfter(250 ms) in nursery "crawl" passed its deadline',
  );
  assertEquals(
    imported.message,
    'Nursery "import" passed its timeout of 1,500 ms',
  );
  assertEquals(
    pay.message,
    'shield(timeout: 2,000 ms) of task "pay" passed its deadline',
  );
});

Deno.test("Cancelled says where a failure's cancellation came from: origin, path, failedTask", async () => {
  const failure = new Error("backend down");
  let seen: unknown;
  const error = await assertRejects(() =>
    Nursery.run((server) => {
      server.startSoon(function request17() {
        return Nursery.run((fanOut) => {
          fanOut.startSoon(untilCancelled((reason) => seen = reason), {
            name: "fetch-a",
          });
          fanOut.startSoon(() => Promise.reject(failure), { name: "fetch-b" });
        }, { name: "fanOut" });
      }, { name: "request-17" });
    }, { name: "server" })
  );
  assertStrictEquals(error, failure);
  assertInstanceOf(seen, Cancelled);
  assertEquals(seen.origin, "failure");
  assertEquals(seen.path, ["server", "request-17", "fanOut"]);
  assertEquals(seen.failedTask, "fetch-b");
  assertStrictEquals(seen.cause, failure);
  assertEquals(
    seen.message,
    'Nursery "fanOut" was cancelled because task "fetch-b" failed ' +
      "(origin: failure; at server > request-17 > fanOut)",
  );
});

Deno.test("Cancelled from cancel() is explicit, for a nursery and for a task; a given reason is used as it is", async () => {
  let nurseryReason: unknown;
  let taskReason: unknown;
  const given = new Error("mine");
  let givenSeen: unknown;
  const outcome = await Nursery.run(async (root) => {
    const task = root.startSoon(untilCancelled((r) => taskReason = r), {
      name: "worker",
    });
    task.cancel();
    await task.catch(() => {});
    const mine = root.startSoon(untilCancelled((r) => givenSeen = r));
    mine.cancel(given);
    await mine.catch(() => {});
    root.startSoon(untilCancelled((r) => nurseryReason = r));
    root.cancel();
    return "done";
  }, { name: "root" });
  assertEquals(outcome, "done");
  assertInstanceOf(taskReason, Cancelled);
  assertEquals(taskReason.origin, "explicit");
  assertEquals(taskReason.path, ["root", "worker"]);
  assertEquals(
    taskReason.message,
    'Task "worker" was cancelled (origin: explicit; at root > worker)',
  );
  assertInstanceOf(nurseryReason, Cancelled);
  assertEquals(nurseryReason.origin, "explicit");
  assertEquals(nurseryReason.path, ["root"]);
  assertStrictEquals(givenSeen, given);
});

Deno.test("unnamed tasks get distinct names: the function's, else task-N in start order", async () => {
  const names = await Nursery.run((nursery) => {
    // An arrow function written as the argument has no name of its own.
    const first = nursery.startSoon(() => {});
    const second = nursery.startSoon(() => {});
    const named = nursery.startSoon(function fetchUser() {});
    const fourth = nursery.startSoon(() => {});
    return [first, second, named, fourth].map((task) => task.name);
  });
  assertEquals(names, ["task-1", "task-2", "fetchUser", "task-4"]);
});

Deno.test("a MultiError keeps the task label of a thrown primitive or frozen object", async () => {
  const frozen = Object.freeze(new Error("frozen"));
  const error = await assertRejects(() =>
    Nursery.run((nursery) => {
      nursery.startSoon(() => {
        throw "a string";
      }, { name: "s" });
      nursery.startSoon(() => {
        throw undefined;
      }, { name: "u" });
      nursery.startSoon(() => {
        throw frozen;
      }, { name: "f" });
    })
  );
  assertInstanceOf(error, MultiError);
  assertEquals(
    error.message,
    "3 tasks failed: [s] a string; [u] undefined; [f] Error: frozen",
  );
  assert(error.stack!.includes("[s] a string"));
  assert(error.stack!.includes("[u] undefined"));
});

Deno.test("dumpTasks() shows every live root tree, with why and when a nursery was cancelled", async () => {
  using time = new FakeTime(0);
  const gate = Promise.withResolvers<void>();
  const first = Nursery.run(async function first(nursery) {
    nursery.startSoon(untilCancelled(() => {}), { name: "waiter" });
    await gate.promise;
    nursery.cancel();
  });
  const second = Nursery.run(function second(nursery) {
    // Ignores its signal until released: the nursery stays cancelling.
    nursery.startSoon(() => gate.promise, { name: "stubborn" });
    nursery.startSoon(async () => {
      await delay(30);
      nursery.cancel();
    }, { name: "canceller" });
  });
  await time.tickAsync(30);
  await time.tickAsync(70);
  assertEquals(
    dumpTasks(),
    [
      'nursery "first" open 100ms',
      '  body "first" running 100ms',
      '  task "waiter" running 100ms',
      'nursery "second" cancelling 100ms (cancelled 70ms ago: explicit)',
      '  task "stubborn" running 100ms',
    ].join("\n"),
  );
  gate.resolve();
  await time.runMicrotasks();
  await first;
  await second;
  assertEquals(dumpTasks(), "");
});

Deno.test("dumpTasks() says a nested nursery was cancelled by its parent, and why the parent was", async () => {
  const gate = Promise.withResolvers<void>();
  let dump = "";
  await Nursery.run((root) => {
    root.startSoon(() =>
      Nursery.run((inner) => {
        inner.startSoon(() => gate.promise, { name: "stubborn" });
      }, { name: "inner" }), { name: "opener" });
    root.startSoon(() => {
      throw new Error("boom");
    }, { name: "failing" });
    dump = dumpTasks().replace(/\d+ms/g, "_ms");
    gate.resolve();
  }, { name: "root" }).catch(() => {});
  assertEquals(
    dump,
    [
      'nursery "root" cancelling _ms (cancelled _ms ago: failure)',
      '  body "root" running _ms',
      '  task "opener" running _ms',
      '    nursery "inner" cancelling _ms (cancelled _ms ago: by its parent (failure))',
      '      task "stubborn" running _ms',
    ].join("\n"),
  );
});

Deno.test("1,000,000 sequential root nurseries leave dumpTasks' registry and the heap flat", async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  assert(gc, "run with --v8-flags=--expose-gc");
  for (let i = 0; i < 10_000; i++) await Nursery.run(() => {});
  gc();
  const before = Deno.memoryUsage().heapUsed;
  for (let i = 0; i < 1_000_000; i++) await Nursery.run(() => {});
  gc();
  const grown = Deno.memoryUsage().heapUsed - before;
  // Two bytes a nursery: what a registry that kept closed roots would pass
  // at once (each root is a few hundred bytes); below it, noise.
  assert(grown < 2_000_000, `heap grew by ${grown} bytes`);
  assertEquals(dumpTasks(), "");
});

Deno.test("instrument() sees every event of the tree, in order, with parents", async () => {
  const log: string[] = [];
  const failure = new Error("boom");
  {
    using _registration = instrument({
      nurseryOpened: (n) =>
        log.push(`opened ${n.name} in ${n.parent?.name ?? "-"}`),
      taskSpawned: (t) => log.push(`spawned ${t.name} of ${t.parent.name}`),
      taskStarted: (t) => log.push(`started ${t.name}`),
      taskSettled: (t) => log.push(`settled ${t.name} ${t.status}`),
      nurseryCancelled: (n, reason) =>
        log.push(
          `cancelled ${n.name}: ${(reason as Cancelled).origin}`,
        ),
      nurseryClosed: (n) => log.push(`closed ${n.name} ${n.state}`),
    });
    await Nursery.run(function outer(nursery) {
      nursery.startSoon(function work() {
        return Nursery.run(function inner(n) {
          n.startSoon(function fails() {
            throw failure;
          });
        });
      });
    }).catch(() => {});
  }
  await Nursery.run(() => {}); // after removal: nothing logged
  assertEquals(log, [
    "opened outer in -",
    "spawned work of outer",
    "started work",
    "opened inner in work",
    "spawned fails of inner",
    "started fails",
    // The task settles first; its failure then cancels the nursery.
    "settled fails rejected",
    "cancelled inner: failure",
    "closed inner closed",
    "settled work rejected",
    "cancelled outer: failure",
    "closed outer closed",
  ]);
});

Deno.test("an instrument hook that throws goes to console.error and never affects a task", async () => {
  const errors: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    using _registration = instrument({
      taskStarted() {
        throw new Error("hook bug");
      },
      taskSettled() {
        throw new Error("hook bug 2");
      },
    });
    const value = await Nursery.run(async (n) => await n.startSoon(() => 7));
    assertEquals(value, 7);
  } finally {
    console.error = original;
  }
  assertEquals(errors.length, 2);
  assert(String(errors[0][0]).includes("taskStarted"));
});

Deno.test("instrument() rejects what is not an object; remove() twice is harmless", () => {
  for (const bad of [undefined, null, 1, "x"]) {
    let thrown: unknown;
    try {
      instrument(bad as never);
    } catch (error) {
      thrown = error;
    }
    assertInstanceOf(thrown, TypeError);
    assert((thrown as Error).message.includes("'hooks'"));
  }
  const registration = instrument({});
  registration.remove();
  registration.remove();
});
