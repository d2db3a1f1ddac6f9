// Copyright 2026 the @nursery/nursery authors. MIT license.
// Tasks form a tree without signals passed by hand (AsyncLocalStorage).
import {
  assert,
  assertEquals,
  assertFalse,
  assertRejects,
  assertStrictEquals,
} from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import {
  currentSignal,
  failAfter,
  moveOnAfter,
  Nursery,
  shield,
  type Task,
} from "./mod.ts";
import { countListeners, untilCancelled } from "./testing/helpers.ts";
import { setScopeTracking } from "./_context.ts";

Deno.test("a three-level tree with no explicit signals is cancelled from the root, one reason at every level", async () => {
  using time = new FakeTime(0);
  const seen: Record<string, unknown> = {};
  const root = new AbortController();
  const result = Nursery.run((level1) => {
    level1.startSoon(untilCancelled((e) => seen.level1 = e));
    level1.startSoon(() =>
      Nursery.run((level2) => {
        level2.startSoon(untilCancelled((e) => seen.level2 = e));
        level2.startSoon(() =>
          Nursery.run((level3) => {
            level3.startSoon(untilCancelled((e) => seen.level3 = e));
          })
        );
      })
    );
  }, { signal: root.signal });
  const rejected = assertRejects(() => result);
  await time.tickAsync(1);
  const reason = new Error("shutting down");
  root.abort(reason);
  await time.runMicrotasks();
  assertStrictEquals(await rejected, reason);
  assertStrictEquals(seen.level1, reason);
  assertStrictEquals(seen.level2, reason);
  assertStrictEquals(seen.level3, reason);
});

Deno.test("taskScopes: true: cancelling one task reaches the nurseries opened inside it", async () => {
  using time = new FakeTime(0);
  let innerReason: unknown;
  let sibling = "running";
  const result = Nursery.run(async (n) => {
    const task = n.startSoon(() =>
      Nursery.run((inner) => {
        inner.startSoon(untilCancelled((e) => innerReason = e));
      })
    );
    n.startSoon(async (ctx) => {
      await delay(10, ctx);
      sibling = "finished";
    });
    await delay(1);
    task.cancel("just this one");
    await task.catch(() => {});
    return task.status;
  }, { taskScopes: true });
  await time.tickAsync(1);
  await time.tickAsync(9);
  await time.runMicrotasks();
  assertEquals(await result, "cancelled");
  assertEquals(innerReason, "just this one");
  assertEquals(sibling, "finished");
});

Deno.test("an explicit signal and the implicit parent are combined: either one cancels", async (t) => {
  await t.step("the explicit signal aborts", async () => {
    const explicit = new AbortController();
    let innerOutcome: unknown;
    // The inner nursery rejects with its own outer signal's reason; its task
    // was not cancelled, so to the outer nursery that is a failure.
    const error = await assertRejects(() =>
      Nursery.run((n) => {
        n.startSoon(async () => {
          const inner = Nursery.run(
            () => delay(60_000, { signal: currentSignal() }),
            { signal: explicit.signal },
          );
          explicit.abort("explicit");
          innerOutcome = await inner.catch((e) => e);
          throw innerOutcome;
        });
      })
    );
    assertEquals(innerOutcome, "explicit");
    assertEquals(error, "explicit");
  });
  await t.step("the implicit parent is cancelled", async () => {
    const explicit = new AbortController();
    const outcome = await Nursery.run(async (n) => {
      const task = n.startSoon(() =>
        Nursery.run(() => delay(60_000, { signal: currentSignal() }), {
          signal: explicit.signal,
        })
      );
      task.cancel("implicit");
      return await task.catch((e) => e);
    }, { taskScopes: true });
    assertEquals(outcome, "implicit");
    assertFalse(explicit.signal.aborted);
  });
});

Deno.test("a shielded task's nested nursery survives the root's cancellation", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const root = new AbortController();
  const result = Nursery.run((n) => {
    n.startSoon(shield(() =>
      Nursery.run((inner) => {
        inner.startSoon(async () => {
          await delay(50, { signal: currentSignal() });
          log.push(`saved@${Date.now()}`);
        });
      })
    ));
    n.startSoon(untilCancelled(() => log.push(`cancelled@${Date.now()}`)));
  }, { signal: root.signal });
  const rejected = assertRejects(() => result);
  await time.tickAsync(10);
  root.abort("stop");
  await time.tickAsync(40);
  await time.runMicrotasks();
  assertEquals(await rejected, "stop");
  assertEquals(log, ["cancelled@10", "saved@50"]);
});

Deno.test("currentSignal() with taskScopes: true is the task's signal, the deadline's in failAfter, undefined outside", async () => {
  assertEquals(currentSignal(), undefined);
  await Nursery.run(async (n) => {
    assertStrictEquals(currentSignal(), n.signal);
    const task: Task<AbortSignal | undefined> = n.startSoon(async () => {
      await delay(1);
      return currentSignal();
    });
    assertStrictEquals(await task, task.signal);
    await failAfter(1_000, async ({ signal }) => {
      await Promise.resolve();
      assertStrictEquals(currentSignal(), signal);
    });
    assertStrictEquals(currentSignal(), n.signal);
  }, { taskScopes: true });
  assertEquals(currentSignal(), undefined);
});

Deno.test("nursery cancellation reaches what a child opened without a signal", async () => {
  using time = new FakeTime(0);
  let innerReason: unknown;
  let childSignal: AbortSignal | undefined;
  const result = Nursery.run(async (n) => {
    n.startSoon(async () => {
      await delay(1); // after an await too
      childSignal = currentSignal();
      await Nursery.run((inner) => {
        inner.startSoon(untilCancelled((e) => innerReason = e));
      });
    });
    await delay(5);
    n.cancel("whole nursery");
  });
  await time.tickAsync(1);
  await time.tickAsync(4);
  await time.runMicrotasks();
  assertEquals(await result, undefined); // the body had returned: run resolves
  assertEquals(innerReason, "whole nursery");
  assert(childSignal !== undefined);
});

Deno.test("by default task.cancel() also reaches what the task opened without a signal", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const result = Nursery.run(async (n) => {
    const task = n.startSoon(async (ctx) => {
      await Promise.all([
        // Passed explicitly: cancelled with the task.
        Nursery.run((inner) => {
          inner.startSoon(
            untilCancelled(() => log.push("explicit: cancelled")),
          );
        }, { signal: ctx.signal }),
        // Implicit: the task is its own scope, so this is cancelled too.
        Nursery.run((inner) => {
          inner.startSoon(async () => {
            await delay(10, { signal: currentSignal() }).catch((e) => {
              log.push("implicit: cancelled");
              throw e;
            });
            log.push("implicit: finished");
          });
        }),
      ]);
    });
    await delay(1);
    task.cancel("only the task");
    await task.catch(() => {});
    return task.status;
  });
  await time.tickAsync(1);
  await time.tickAsync(9);
  await time.runMicrotasks();
  assertEquals(await result, "cancelled");
  assertEquals(log, ["explicit: cancelled", "implicit: cancelled"]);
});

Deno.test("taskScopes: false: task.cancel() reaches only what the task passed its signal to (the documented trade-off)", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const result = Nursery.run(async (n) => {
    const task = n.startSoon(async (ctx) => {
      await Promise.all([
        // Passed explicitly: cancelled with the task.
        Nursery.run((inner) => {
          inner.startSoon(
            untilCancelled(() => log.push("explicit: cancelled")),
          );
        }, { signal: ctx.signal }),
        // Implicit: belongs to the body's scope, not the task's.
        Nursery.run((inner) => {
          inner.startSoon(async () => {
            await delay(10, { signal: currentSignal() });
            log.push("implicit: finished");
          });
        }),
      ]);
    });
    await delay(1);
    task.cancel("only the task");
    await task.catch(() => {});
    return task.status;
  }, { taskScopes: false });
  await time.tickAsync(1);
  await time.tickAsync(9);
  await time.runMicrotasks();
  assertEquals(await result, "cancelled");
  assertEquals(log, ["explicit: cancelled", "implicit: finished"]);
});

Deno.test("taskScopes is inherited by nested nurseries, and a child started from outside shares the body's scope", async () => {
  const seen: [AbortSignal | undefined, AbortSignal][] = [];
  await Nursery.run(async (outer) => {
    const task = outer.startSoon(() =>
      Nursery.run(async (inner) => {
        const child = inner.startSoon(async () => {
          await null;
          return currentSignal();
        });
        seen.push([await child, child.signal]);
      })
    );
    await task;
  }, { taskScopes: true });
  // Inherited: the inner nursery's child is its own scope.
  assertStrictEquals(seen[0][0], seen[0][1]);
  let escaped: Nursery | undefined;
  let release = () => {};
  const running = Nursery.run(async (n) => {
    escaped = n;
    await new Promise<void>((resolve) => release = resolve);
  }, { taskScopes: false });
  // Without task scopes, a child started from code outside the nursery
  // still runs in the body's scope.
  const fromOutside = escaped!.startSoon(() => currentSignal());
  assertStrictEquals(await fromOutside, escaped!.signal);
  release();
  await running;
});

Deno.test("Nursery.current() is the nursery whose task is running; parents link tasks and nurseries", async () => {
  assertEquals(Nursery.current(), undefined);
  await Nursery.run(async (outer) => {
    assertStrictEquals(Nursery.current(), outer);
    const inner = await Nursery.run(async (inner) => {
      await delay(1);
      assertStrictEquals(Nursery.current(), inner);
      assertStrictEquals(inner.parent?.parent, outer);
      return inner;
    });
    assertStrictEquals(Nursery.current(), outer);
    assertEquals(inner.closed, true);
    const task = outer.startSoon(async () => {
      await null;
      return Nursery.current();
    });
    assertStrictEquals(await task, outer);
    assertStrictEquals(task.parent, outer);
  });
  assertEquals(Nursery.current(), undefined);
});

Deno.test("nested deadlines without signals: the inner one never extends the outer one", async () => {
  using time = new FakeTime(0);
  let innerSaw: unknown;
  const result = failAfter(100, () =>
    failAfter(1_000, async () => {
      await delay(60_000, { signal: currentSignal() }).catch((e) => {
        innerSaw = e;
        throw e;
      });
    }));
  const rejected = assertRejects(() => result);
  await time.tickAsync(100);
  await time.runMicrotasks();
  const error = await rejected;
  assertEquals((error as DOMException).name, "TimeoutError");
  assertStrictEquals(innerSaw, error);
});

Deno.test("a timeout cancels a nursery opened inside it without a signal", async () => {
  using time = new FakeTime(0);
  const ended: number[] = [];
  const result = moveOnAfter(30, () =>
    Nursery.run((n) => {
      n.startSoon(untilCancelled(() => ended.push(Date.now())));
      n.startSoon(untilCancelled(() => ended.push(Date.now())));
    }));
  await time.tickAsync(30);
  await time.runMicrotasks();
  assertEquals(await result, undefined);
  assertEquals(ended, [30, 30]);
});

Deno.test("nested nurseries add no listener to a parent task's signal, and leave no trace when done", async () => {
  await Nursery.run(async function parent(n) {
    const signal = n.signal;
    const listeners = countListeners(signal);
    for (let i = 0; i < 100; i++) await Nursery.run(() => {});
    assertEquals(listeners, { added: 0, removed: 0 });
    assertEquals(n.tree().split("\n").length, 2); // the nursery and its body
    assert(!signal.aborted);
  });
});

Deno.test("a nursery inside a timeout scope adds no listener to it: the cancel tree links them", async () => {
  await failAfter(1_000, async ({ signal }) => {
    const listeners = countListeners(signal);
    for (let i = 0; i < 100; i++) await Nursery.run(() => {});
    assertEquals(listeners, { added: 0, removed: 0 });
  });
});

Deno.test("an explicit signal and the implicit scope both already aborted: the body runs cancelled, once", async () => {
  const explicit = new AbortController();
  explicit.abort("explicit first");
  let bodyCalls = 0;
  const outcome = await failAfter(0, () =>
    Nursery.run((n) => {
      bodyCalls++;
      n.signal.throwIfAborted();
    }, { signal: explicit.signal })).catch((e) => e);
  assertEquals(bodyCalls, 1);
  // The implicit scope (the expired deadline) is linked first, so its
  // TimeoutError is the nursery's reason, and failAfter reports it.
  assertEquals((outcome as DOMException).name, "TimeoutError");
});

Deno.test("without AsyncLocalStorage the current scope holds for the synchronous part of each call", async () => {
  using time = new FakeTime(0);
  setScopeTracking(false);
  try {
    let childReason: unknown;
    let afterAwait: AbortSignal | undefined = new AbortController().signal;
    const bounded = failAfter(10, () =>
      // Opened synchronously inside failAfter's call: a child of its node.
      Nursery.run((nursery) => {
        nursery.startSoon(untilCancelled((reason) => childReason = reason));
        nursery.startSoon(async () => {
          await Promise.resolve();
          afterAwait = currentSignal(); // no async context to carry it
        });
        // Synchronously in a task: its own signal.
        let inside: AbortSignal | undefined;
        const sync = nursery.startSoon(() => {
          inside = currentSignal();
        });
        assertStrictEquals(inside, sync.signal);
      }));
    const outcome = bounded.catch((error) => error);
    await time.tickAsync(10);
    const error = await outcome;
    assertEquals((error as DOMException).name, "TimeoutError");
    assertStrictEquals(childReason, error);
    assertEquals(afterAwait, undefined);
  } finally {
    setScopeTracking(true);
  }
});
