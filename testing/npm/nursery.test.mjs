// Copyright 2026 the @nursery/nursery authors. MIT license.
// The core stories, run on the compiled JavaScript (dist/, as JSR's npm
// layer would ship it) under Node's and Bun's own test runners.
import assert from "node:assert/strict";
import { test } from "./harness.mjs";
import {
  Cancelled,
  currentSignal,
  failAfter,
  moveOnAfter,
  MultiError,
  Nursery,
  NurseryClosedError,
  shield,
} from "../../dist/mod.js";

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

let unhandled = 0;
const countUnhandled = () => unhandled++;
if (globalThis.process?.on) process.on("unhandledRejection", countUnhandled);

test("the scope joins its children, and handles give results", async () => {
  const done = [];
  const value = await Nursery.run(async (n) => {
    const a = n.startSoon(async ({ signal }) => {
      await sleep(20, signal);
      done.push("a");
      return 1;
    });
    n.startSoon(async ({ signal }) => {
      await sleep(40, signal);
      done.push("b");
    });
    return (await a) + 1;
  });
  assert.equal(value, 2);
  assert.deepEqual(done, ["a", "b"]);
});

test("a failure cancels the siblings and is re-raised as itself", async () => {
  const boom = new Error("boom");
  let siblingReason;
  await assert.rejects(
    Nursery.run((n) => {
      n.startSoon(async ({ signal }) => {
        await sleep(10_000, signal).catch((e) => {
          siblingReason = e;
          throw e;
        });
      });
      n.startSoon(async () => {
        await sleep(10);
        throw boom;
      });
    }),
    (error) => error === boom,
  );
  assert.ok(siblingReason instanceof Cancelled);
  assert.equal(siblingReason.name, "AbortError");
  assert.equal(siblingReason.cause, boom);
});

test("several failures become one MultiError naming each task", async () => {
  const error = await Nursery.run((n) => {
    n.startSoon(() => Promise.reject(new TypeError("a")), { name: "one" });
    n.startSoon(() => Promise.reject(new RangeError("b")), { name: "two" });
  }).catch((e) => e);
  assert.ok(error instanceof MultiError);
  assert.ok(error instanceof AggregateError);
  assert.equal(
    error.message,
    "2 tasks failed: [one] TypeError: a; [two] RangeError: b",
  );
  const [typeErrors, rest] = error.split((e) => e instanceof TypeError);
  assert.equal(typeErrors.message, "a");
  assert.equal(rest.message, "b");
});

test("an outer signal cancels everything and rejects with its reason", async () => {
  const outer = new AbortController();
  const running = Nursery.run((n) => {
    n.startSoon(({ signal }) => sleep(10_000, signal));
  }, { signal: outer.signal });
  setTimeout(() => outer.abort("client went away"), 10);
  await assert.rejects(running, (reason) => reason === "client went away");
});

test("a closed nursery refuses new tasks", async () => {
  let escaped;
  await Nursery.run((n) => {
    escaped = n;
  });
  assert.throws(() => escaped.startSoon(() => {}), NurseryClosedError);
});

test("shield: the payment finishes although the SMS failed", async () => {
  let charged = false;
  await assert.rejects(
    Nursery.run((n) => {
      n.startSoon(shield(async ({ signal }) => {
        await sleep(30, signal);
        charged = true;
      }));
      n.startSoon(async () => {
        await sleep(5);
        throw new Error("SMS gateway down");
      });
    }),
    /SMS gateway down/,
  );
  assert.equal(charged, true);
});

test("failAfter cancels a nursery and rejects with TimeoutError; moveOnAfter gives undefined", async () => {
  const ended = [];
  const error = await failAfter(20, () =>
    Nursery.run((n) => {
      for (const name of ["a", "b", "c"]) {
        n.startSoon(({ signal }) =>
          sleep(10_000, signal).catch((e) => {
            ended.push(name);
            throw e;
          })
        );
      }
    })).catch((e) => e);
  assert.equal(error.name, "TimeoutError");
  assert.deepEqual(ended.sort(), ["a", "b", "c"]);
  assert.equal(
    await moveOnAfter(10, ({ signal }) => sleep(10_000, signal)),
    undefined,
  );
  assert.equal(await moveOnAfter(1_000, () => "in time"), "in time");
});

test("start() returns once the child is ready; it keeps running", async () => {
  const events = [];
  const value = await Nursery.run(async (n) => {
    const port = await n.start(async ({ signal, started }) => {
      started(8080);
      await sleep(10_000, signal).catch(() => events.push("stopped"));
    });
    events.push(`ready on ${port}`);
    n.cancel();
    return port;
  });
  assert.equal(value, 8080);
  assert.deepEqual(events, ["ready on 8080", "stopped"]);
});

test("concurrency limits the children running at once; Nursery.map keeps order", async () => {
  let running = 0;
  let peak = 0;
  const results = await Nursery.map(
    [30, 10, 20, 5, 15],
    async (ms, { signal, index }) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(ms, signal);
      running--;
      return index;
    },
    { concurrency: 2 },
  );
  assert.deepEqual(results, [0, 1, 2, 3, 4]);
  assert.equal(peak, 2);
});

test("Nursery.stream yields as results complete; break cancels the rest and closes the input", async () => {
  let closed = false;
  let cancelled = 0;
  function* items() {
    try {
      yield* [40, 5, 10_000];
    } finally {
      closed = true;
    }
  }
  const seen = [];
  for await (
    const ms of Nursery.stream(items(), async (ms, { signal }) => {
      await sleep(ms, signal).catch((e) => {
        cancelled++;
        throw e;
      });
      return ms;
    })
  ) {
    seen.push(ms);
    if (seen.length === 2) break;
  }
  assert.deepEqual(seen, [5, 40]);
  assert.equal(cancelled, 1);
  assert.equal(closed, true);
});

test("Nursery.any: a failing contender ends only itself; the first success wins after the rest stopped", async () => {
  let loserStopped = false;
  const winner = await Nursery.any([
    () => Promise.reject(new Error("refused")),
    async ({ signal }) => {
      await sleep(20, signal);
      return "second";
    },
    async ({ signal }) => {
      await sleep(10_000, signal).catch((e) => {
        loserStopped = true;
        throw e;
      });
    },
  ], { stagger: 5 });
  assert.equal(winner, "second");
  assert.equal(loserStopped, true);
  const error = await Nursery.any([() => Promise.reject(new Error("a"))])
    .catch((e) => e);
  assert.ok(error instanceof MultiError && error instanceof AggregateError);
});

test("implicit tree: a nested nursery with no signal is cancelled with its parent", async () => {
  const outer = new AbortController();
  let innerReason;
  const running = Nursery.run((n) => {
    n.startSoon(() =>
      Nursery.run((inner) => {
        inner.startSoon(async () => {
          await sleep(10_000, currentSignal()).catch((e) => {
            innerReason = e;
            throw e;
          });
        });
      })
    );
  }, { signal: outer.signal });
  setTimeout(() => outer.abort("shutdown"), 10);
  await assert.rejects(running, (reason) => reason === "shutdown");
  assert.equal(innerReason, "shutdown");
  assert.equal(Nursery.current(), undefined);
});

test("no unhandled rejection from handles nobody awaited", async () => {
  await Nursery.run((n) => {
    n.startSoon(() => Promise.reject(new Error("x")));
    n.startSoon(({ signal }) => sleep(10_000, signal));
  }).catch(() => {});
  await sleep(20);
  assert.equal(unhandled, 0);
});
