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
  Cancelled,
  MultiError,
  Nursery,
  NurseryClosedError,
  type Task,
  type TaskContext,
} from "./mod.ts";
import {
  countListeners,
  countUnhandledRejections,
  untilCancelled,
} from "./testing/helpers.ts";

/** A task that sleeps `ms` (honouring its signal), logs, and returns `value`. */
function sleeper<T>(ms: number, value: T, log?: string[]) {
  return async (ctx: TaskContext): Promise<T> => {
    await delay(ms, ctx);
    log?.push(`${ctx.name}@${Date.now()}`);
    return value;
  };
}

/** A task that fails with `error` after `ms`. */
function failer(ms: number, error: unknown) {
  return async (ctx: TaskContext): Promise<never> => {
    await delay(ms, ctx);
    throw error;
  };
}

Deno.test("Nursery.run() runs children concurrently and joins them", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const result = Nursery.run((nursery) => {
    nursery.startSoon(sleeper(100, 1, log), { name: "a" });
    nursery.startSoon(sleeper(100, 2, log), { name: "b" });
    return "body";
  });
  await time.tickAsync(100);
  await time.runMicrotasks();
  // Both finished at t=100: they ran side by side, not one after the other.
  assertEquals(log, ["a@100", "b@100"]);
  assertEquals(await result, "body");
});

Deno.test("Nursery.run() waits for slow children after the body returned", async () => {
  using time = new FakeTime(0);
  let settled = false;
  const result = Nursery.run((nursery) => {
    nursery.startSoon(sleeper(1_000, "slow"));
    return 7;
  }).then((value) => {
    settled = true;
    return value;
  });
  await time.tickAsync(999);
  await time.runMicrotasks();
  assertFalse(settled);
  await time.tickAsync(1);
  await time.runMicrotasks();
  assert(settled);
  assertEquals(await result, 7);
});

Deno.test("a failing child cancels siblings and run() rejects with exactly its error", async () => {
  using time = new FakeTime(0);
  const boom = new Error("boom");
  const seen: unknown[] = [];
  const result = Nursery.run((nursery) => {
    for (let i = 0; i < 3; i++) {
      nursery.startSoon(async (ctx) => {
        try {
          await delay(60_000, ctx);
        } finally {
          seen.push(ctx.signal.reason);
        }
      });
    }
    nursery.startSoon(failer(10, boom));
  });
  const rejected = assertRejects(() => result);
  await time.tickAsync(10);
  await time.runMicrotasks();
  assertStrictEquals(await rejected, boom);
  assertEquals(seen.length, 3);
  // One reason for the whole cancellation, a Cancelled caused by the failure.
  assertInstanceOf(seen[0], Cancelled);
  assertStrictEquals((seen[0] as Cancelled).cause, boom);
  assert(seen.every((reason) => reason === seen[0]));
  assertEquals(Date.now(), 10);
});

Deno.test("a failing body cancels the children", async () => {
  using time = new FakeTime(0);
  const boom = new TypeError("body failed");
  let child: Task<unknown> | undefined;
  const result = Nursery.run(async (nursery) => {
    child = nursery.startSoon(sleeper(60_000, "never"));
    await delay(5);
    throw boom;
  });
  const rejected = assertRejects(() => result);
  await time.tickAsync(5);
  await time.runMicrotasks();
  assertStrictEquals(await rejected, boom);
  assertEquals(child!.status, "cancelled");
});

Deno.test("two failures are collected into one MultiError, in order", async () => {
  using time = new FakeTime(0);
  const first = new Error("first");
  const second = new RangeError("second");
  const result = Nursery.run((nursery) => {
    nursery.startSoon(failer(5, first), { name: "one" });
    // Fails during cleanup, after it was cancelled: a real failure, kept.
    nursery.startSoon(async (ctx) => {
      try {
        await delay(60_000, ctx);
      } catch {
        throw second;
      }
    }, { name: "two" });
  });
  const rejected = assertRejects(() => result, MultiError);
  await time.tickAsync(5);
  await time.runMicrotasks();
  const error = await rejected;
  assertEquals(error.errors, [first, second]);
  assertEquals(
    error.message,
    "2 tasks failed: [one] Error: first; [two] RangeError: second",
  );
});

Deno.test("a failure is reported once when the body awaits the failed task", async () => {
  const boom = new Error("boom");
  const error = await assertRejects(() =>
    Nursery.run(async (nursery) => {
      const task = nursery.startSoon(() => Promise.reject(boom));
      await task; // rethrows the same error object in the body
    })
  );
  assertStrictEquals(error, boom);
});

Deno.test("strict: true rejects with a MultiError even for one failure", async () => {
  const boom = new Error("boom");
  const error = await assertRejects(
    () =>
      Nursery.run((nursery) => {
        nursery.startSoon(() => Promise.reject(boom));
      }, { strict: true }),
    MultiError,
  );
  assertEquals(error.errors, [boom]);
});

Deno.test("an outer signal's abort cancels everything and rejects with its reason", async () => {
  using time = new FakeTime(0);
  const outer = new AbortController();
  const reason = new Error("client went away");
  const seen: unknown[] = [];
  const result = Nursery.run(async (nursery) => {
    nursery.startSoon(untilCancelled((e) => {
      seen.push(e);
    }));
    await delay(60_000, { signal: nursery.signal });
  }, { signal: outer.signal });
  const rejected = assertRejects(() => result);
  await time.tickAsync(10);
  outer.abort(reason);
  await time.runMicrotasks();
  assertStrictEquals(await rejected, reason);
  assertEquals(seen, [reason]);
});

Deno.test("an outer abort after the body returned still rejects run()", async () => {
  using time = new FakeTime(0);
  const outer = new AbortController();
  const result = Nursery.run((nursery) => {
    nursery.startSoon(sleeper(60_000, "x"));
    return "body value";
  }, { signal: outer.signal });
  const rejected = assertRejects(() => result);
  await time.tickAsync(1);
  outer.abort("stop");
  await time.runMicrotasks();
  assertStrictEquals(await rejected, "stop");
});

Deno.test("an already-aborted outer signal cancels the body before it runs", async () => {
  const outer = new AbortController();
  outer.abort("early");
  let bodySawAborted = false;
  const error = await assertRejects(() =>
    Nursery.run((nursery) => {
      bodySawAborted = nursery.signal.aborted;
      nursery.signal.throwIfAborted();
    }, { signal: outer.signal })
  );
  assertEquals(error, "early");
  assert(bodySawAborted);
});

Deno.test("a grandchild nursery on its task's signal is cancelled with the tree", async () => {
  using time = new FakeTime(0);
  const outer = new AbortController();
  const reasons: unknown[] = [];
  const result = Nursery.run((root) => {
    root.startSoon((ctx) =>
      Nursery.run((child) => {
        child.startSoon((grand) =>
          Nursery.run((grandchild) => {
            grandchild.startSoon(untilCancelled((e) => {
              reasons.push(e);
            }));
          }, { signal: grand.signal })
        );
      }, { signal: ctx.signal })
    );
  }, { signal: outer.signal });
  const rejected = assertRejects(() => result);
  await time.tickAsync(1);
  outer.abort("shutdown");
  await time.runMicrotasks();
  assertEquals(await rejected, "shutdown");
  // The reason travels down the tree unchanged.
  assertEquals(reasons, ["shutdown"]);
});

Deno.test("startSoon() on a finished nursery throws NurseryClosedError", async () => {
  let escaped: Nursery | undefined;
  await Nursery.run((nursery) => {
    escaped = nursery;
  });
  assert(escaped!.closed);
  const error = assertThrows(
    () => escaped!.startSoon(() => {}),
    NurseryClosedError,
    "closed",
  );
  assertEquals(error.name, "NurseryClosedError");
});

Deno.test("tasks may start siblings while the nursery is open, also after the body returned", async () => {
  using time = new FakeTime(0);
  const log: string[] = [];
  const result = Nursery.run((nursery) => {
    nursery.startSoon(async (ctx) => {
      await delay(10, ctx);
      nursery.startSoon(sleeper(10, "late", log), { name: "late" });
    });
  });
  await time.tickAsync(10);
  await time.tickAsync(10);
  await time.runMicrotasks();
  await result;
  assertEquals(log, ["late@20"]);
});

Deno.test("a task that throws synchronously is that task's failure, not an exception", async () => {
  const boom = new Error("sync");
  let returned: Task<unknown> | undefined;
  const error = await assertRejects(() =>
    Nursery.run((nursery) => {
      returned = nursery.startSoon(() => {
        throw boom;
      });
      return "body";
    })
  );
  assertStrictEquals(error, boom);
  assertEquals(returned!.status, "rejected");
});

Deno.test("a task that returns at once is fulfilled before startSoon() returns", async () => {
  await Nursery.run((nursery) => {
    const task = nursery.startSoon(() => 5);
    assertEquals(task.status, "fulfilled");
    assertEquals(nursery.tasks, []);
  });
});

Deno.test("a task started into a cancelled nursery is called with an aborted signal", async () => {
  let called = false;
  let abortedOnEntry = false;
  await Nursery.run((nursery) => {
    nursery.cancel();
    nursery.startSoon(({ signal }) => {
      called = true;
      abortedOnEntry = signal.aborted;
    });
    return "done";
  });
  assert(called);
  assert(abortedOnEntry);
});

Deno.test("cancel() after the body returned: run() resolves with the body's value", async () => {
  using time = new FakeTime(0);
  const result = Nursery.run(async (nursery) => {
    const fast = nursery.startSoon(sleeper(10, "fast"));
    nursery.startSoon(sleeper(60_000, "slow"));
    const value = await fast;
    nursery.cancel();
    return value;
  });
  await time.tickAsync(10);
  await time.runMicrotasks();
  assertEquals(await result, "fast");
});

Deno.test("cancel() reaches the body: run() rejects with the nursery's own reason", async () => {
  let reason: unknown;
  const error = await assertRejects(() =>
    Nursery.run(async (nursery) => {
      nursery.cancel();
      nursery.cancel(new Error("second call changes nothing"));
      reason = nursery.signal.reason;
      await delay(60_000, { signal: nursery.signal });
    })
  );
  assertInstanceOf(reason, Cancelled);
  assertStrictEquals(error, reason);
  assertEquals((error as Error).name, "AbortError");
});

Deno.test("cancel(reason) uses the reason as it is", async () => {
  const reason = { custom: true };
  const error = await assertRejects(() =>
    Nursery.run((nursery) => {
      nursery.cancel(reason);
      nursery.signal.throwIfAborted();
    })
  );
  assertStrictEquals(error, reason);
});

Deno.test("a rejection is a cancellation only if the task's signal was aborted", async (t) => {
  await t.step(
    "an AbortError from a task not cancelled is a real failure",
    async () => {
      const own = new DOMException("library gave up", "AbortError");
      const error = await assertRejects(() =>
        Nursery.run((nursery) => {
          nursery.startSoon(() => Promise.reject(own));
        })
      );
      assertStrictEquals(error, own);
    },
  );
  await t.step(
    "an error whose cause chain holds the reason is a cancellation",
    async () => {
      const result = await Nursery.run(async (nursery) => {
        const task = nursery.startSoon(async ({ signal }) => {
          await new Promise((resolve) =>
            signal.addEventListener("abort", resolve)
          );
          throw new Error("wrapped", {
            cause: new Error("inner", { cause: signal.reason }),
          });
        });
        task.cancel();
        await task.catch(() => {});
        return task.status;
      });
      assertEquals(result, "cancelled");
    },
  );
  await t.step(
    "an AbortError of another library after cancellation is a cancellation",
    async () => {
      const status = await Nursery.run(async (nursery) => {
        const task = nursery.startSoon(async ({ signal }) => {
          await new Promise((resolve) =>
            signal.addEventListener("abort", resolve)
          );
          throw new DOMException("fetch aborted", "AbortError");
        });
        task.cancel();
        await task.catch(() => {});
        return task.status;
      });
      assertEquals(status, "cancelled");
    },
  );
  // The nursery hears of a rejection a microtask after it happened, so a
  // sibling's failure heard first has cancelled the task by then. What
  // counts is whether the signal was aborted when the task rejected (the
  // property test found it: a task rethrowing a nested nursery's own
  // cancellation in the same turn as a sibling's failure).
  await t.step(
    "an AbortError a task rejected with before a sibling's failure cancelled it is a real failure",
    async () => {
      const failure = new Error("db down");
      const own = new DOMException("library gave up", "AbortError");
      const error = await assertRejects(() =>
        Nursery.run((nursery) => {
          nursery.startSoon(() => Promise.reject(failure));
          nursery.startSoon(() => Promise.reject(own));
        })
      );
      assertInstanceOf(error, MultiError);
      assertEquals(error.errors, [failure, own]);
    },
  );
  await t.step(
    "an AbortError a task rejects with inside the abort, before the nursery hears of it, is a cancellation",
    async () => {
      const failure = new Error("db down");
      const error = await assertRejects(() =>
        Nursery.run((nursery) => {
          nursery.startSoon(({ signal }) =>
            new Promise((_, reject) =>
              signal.addEventListener("abort", () =>
                reject(new DOMException("fetch aborted", "AbortError")))
            )
          );
          nursery.startSoon(() =>
            Promise.reject(failure)
          );
        })
      );
      assertStrictEquals(error, failure);
    },
  );
  // A throw inside another task's synchronous code is told to the nursery
  // from a fresh stack, a microtask later: the same question.
  await t.step(
    "an AbortError a task threw inside a sibling's start, before the body cancelled, is a real failure",
    async () => {
      const own = new DOMException("library gave up", "AbortError");
      const error = await assertRejects(() =>
        Nursery.run((nursery) => {
          nursery.startSoon(() => {
            nursery.startSoon(() => {
              throw own;
            });
          });
          nursery.cancel();
        })
      );
      assertStrictEquals(error, own);
    },
  );
  await t.step(
    "an AbortError a task throws inside a sibling's start, after it cancelled the nursery, is a cancellation",
    async () => {
      // Told first, from the fresh stack queued for it before the cancel.
      const first = new Error("db down");
      const error = await assertRejects(() =>
        Nursery.run((nursery) => {
          nursery.startSoon(() => {
            nursery.startSoon(() => {
              throw first;
            });
            nursery.startSoon(() => {
              nursery.cancel();
              throw new DOMException("gave up", "AbortError");
            });
          });
        })
      );
      assertStrictEquals(error, first);
    },
  );
});

Deno.test("task.cancel() cancels that task only", async () => {
  using time = new FakeTime(0);
  const result = Nursery.run(async (nursery) => {
    const doomed = nursery.startSoon(sleeper(60_000, "doomed"));
    const other = nursery.startSoon(sleeper(10, "other"));
    const reason = new Error("not needed");
    doomed.cancel(reason);
    doomed.cancel(new Error("ignored"));
    const error = await doomed.catch((e) => e);
    assertStrictEquals(error, reason);
    assertEquals(doomed.status, "cancelled");
    assertStrictEquals(doomed.signal.reason, reason);
    return await other;
  });
  await time.tickAsync(10);
  await time.runMicrotasks();
  assertEquals(await result, "other");
});

Deno.test("a task handle reports name, status and signal", async () => {
  using time = new FakeTime(0);
  let handle: Task<number> | undefined;
  let seenName = "";
  const result = Nursery.run((nursery) => {
    handle = nursery.startSoon(async function fetchUser(ctx) {
      seenName = ctx.name;
      assertStrictEquals(ctx.signal, handle?.signal ?? ctx.signal);
      await delay(5, ctx);
      return 1;
    });
    assertEquals(handle.name, "fetchUser");
    assertEquals(handle.status, "running");
    assertEquals(nursery.tasks.map((t) => t.name), ["fetchUser"]);
  });
  await time.tickAsync(5);
  await time.runMicrotasks();
  await result;
  assertEquals(seenName, "fetchUser");
  assertEquals(handle!.status, "fulfilled");
  assertEquals(await handle!, 1);
});

Deno.test("a failed task handle nobody awaits causes no unhandled rejection", async () => {
  using unhandled = countUnhandledRejections();
  await assertRejects(() =>
    Nursery.run((nursery) => {
      nursery.startSoon(() => Promise.reject(new Error("a")));
      nursery.startSoon(async () => {
        await null;
        throw new Error("b");
      });
      nursery.startSoon(({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason))
        )
      );
    })
  );
  // Give the runtime a macrotask turn to report anything left unhandled.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(unhandled.count, 0);
});

Deno.test("the nursery holds one listener on the outer signal and removes it", async () => {
  const outer = new AbortController();
  const signal = outer.signal;
  const listeners = countListeners(signal);
  await Nursery.run((nursery) => {
    for (let i = 0; i < 1_000; i++) {
      nursery.startSoon(async ({ signal }) => {
        await null;
        return signal.aborted;
      });
    }
  }, { signal });
  assertEquals(listeners, { added: 1, removed: 1 });
});

Deno.test("nursery state: name, signal, cancelled, closed and tasks", async () => {
  let inside: Nursery | undefined;
  await Nursery.run(function checkout(nursery) {
    inside = nursery;
    assertEquals(nursery.name, "checkout");
    assertFalse(nursery.cancelled);
    assertFalse(nursery.closed);
    const task = nursery.startSoon(
      ({ signal }) =>
        new Promise((resolve) => signal.addEventListener("abort", resolve)),
      { name: "wait" },
    );
    assertEquals(nursery.tasks.length, 1);
    assertStrictEquals(nursery.tasks[0], task);
    nursery.cancel();
    assert(nursery.cancelled);
    assert(nursery.signal.aborted);
    assert(task.signal.aborted);
    assertEquals(task.status, "running"); // settles once its promise does
    return "ok";
  });
  assertEquals(inside!.name, "checkout");
  assert(inside!.closed);
  assertEquals(inside!.tasks, []);
});

Deno.test("invalid arguments throw a TypeError naming the parameter", async () => {
  let bodyRan = false;
  const badRuns: [unknown, unknown, string][] = [
    [42, undefined, "'body'"],
    [() => (bodyRan = true), 5, "'options'"],
    [() => (bodyRan = true), { signal: {} }, "'options.signal'"],
    [() => (bodyRan = true), { name: 3 }, "'options.name'"],
    [() => (bodyRan = true), { strict: "yes" }, "'options.strict'"],
  ];
  for (const [body, options, parameter] of badRuns) {
    await assertRejects(
      () => Nursery.run(body as never, options as never),
      TypeError,
      parameter,
    );
  }
  assertFalse(bodyRan);
  await Nursery.run((nursery) => {
    assertThrows(() => nursery.startSoon("nope" as never), TypeError, "'fn'");
    assertThrows(
      () => nursery.startSoon(() => {}, { name: 1 as never }),
      TypeError,
      "'options.name'",
    );
    // The nursery still works for other tasks.
    nursery.startSoon(() => {});
  });
});

Deno.test("a task cancelled on its own, then with its nursery, may end with either reason", async () => {
  const nurseryReason = new Error("nursery cancelled");
  let status = "";
  await Nursery.run(async (n) => {
    const task = n.startSoon(async ({ signal }) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      await Promise.resolve();
      throw nurseryReason; // what a nested scope of the nursery would throw
    });
    task.cancel("task reason");
    n.cancel(nurseryReason);
    await task.catch(() => {});
    status = task.status;
    return "done";
  }).catch(() => {});
  assertEquals(status, "cancelled");
});

Deno.test("a cyclic cause chain is classified without hanging", async () => {
  const status = await Nursery.run(async (n) => {
    const task = n.startSoon(async ({ signal }) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      const a: { name: string; cause?: unknown } = { name: "Error" };
      const b = { name: "Error", cause: a };
      a.cause = b; // a -> b -> a -> ...
      throw a;
    });
    task.cancel();
    await task.catch(() => {});
    return task.status;
  }).catch(() => "rejected as it should: a real failure");
  assertEquals(status, "rejected as it should: a real failure");
});

Deno.test("a task handle has catch() and finally(), as a promise does", async () => {
  const boom = new Error("boom");
  const log: string[] = [];
  await Nursery.run(async (n) => {
    const failing = n.startSoon(() => Promise.reject(boom));
    const caught = await failing.catch((e) => e);
    assertStrictEquals(caught, boom);
    const fine = n.startSoon(() => 1);
    assertEquals(await fine.finally(() => log.push("settled")), 1);
    n.cancel("stop"); // the failure already cancelled it; run rejects below
  }).catch(() => {});
  assertEquals(log, ["settled"]);
});
