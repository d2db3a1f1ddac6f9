// Copyright 2026 the @nursery/nursery authors. MIT license.
import { assertEquals, assertStrictEquals } from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import {
  Nursery,
  type NurseryRunOptions,
  type SlowCancelReport,
} from "./mod.ts";
import {
  aborted,
  recordWarnings,
  stuckNursery,
  untilCancelled,
} from "./testing/helpers.ts";

Deno.test("tree() renders the live tree of a known nursery exactly", async () => {
  using time = new FakeTime(1_000);
  let text = "";
  const result = Nursery.run(async function server(n) {
    n.startSoon(async function accept() {
      await delay(10);
      await Nursery.run(function connection(conn) {
        conn.startSoon(untilCancelled(() => {}), { name: "read" });
        conn.startSoon(untilCancelled(() => {}), { name: "write" });
      });
    });
    n.startSoon(untilCancelled(() => {}), { name: "ticker" });
    await delay(25);
    text = n.tree();
    n.cancel();
  }, { taskScopes: true }); // nested nurseries are shown under their task
  await time.tickAsync(10);
  await time.tickAsync(15);
  await time.runMicrotasks();
  await result.catch(() => {});
  assertEquals(
    text,
    [
      'nursery "server" open 25ms',
      '  body "server" running 25ms',
      '  task "accept" running 25ms',
      '    nursery "connection" open 15ms',
      '      task "read" running 15ms',
      '      task "write" running 15ms',
      '  task "ticker" running 25ms',
    ].join("\n"),
  );
});

Deno.test("a slow cancellation is reported once, naming the deepest stuck task and its path", async () => {
  using time = new FakeTime(0);
  const reports: SlowCancelReport[] = [];
  let release = () => {};
  const result = Nursery.run((root) => {
    root.startSoon(function worker() {
      return Nursery.run((inner) => {
        // Ignores its signal: the classic hung child.
        inner.startSoon(
          () => new Promise<void>((resolve) => release = resolve),
          {
            name: "stubborn",
          },
        );
      });
    });
    root.startSoon(untilCancelled(() => {}), { name: "polite" });
    root.startSoon(async () => {
      await delay(10);
      root.cancel();
    });
  }, {
    name: "root",
    slowCancelAfter: 1_000,
    onSlowCancel: (report) => reports.push(report),
    taskScopes: true,
  });
  await time.tickAsync(10);
  await time.tickAsync(999);
  assertEquals(reports, []);
  await time.tickAsync(1);
  assertEquals(reports.length, 1);
  const [report] = reports;
  assertEquals(report.elapsed, 1_000);
  assertEquals(report.stuck.map((s) => s.path), [[
    "root",
    "worker",
    "nursery",
    "stubborn",
  ]]);
  assertEquals(report.stuck[0].task.name, "stubborn");
  assertEquals(
    report.message,
    'Nursery "root" was cancelled 1000 ms ago and still waits for 1 task(s) ' +
      "that have not ended (do they ignore their signal?): root > worker > nursery > stubborn",
  );
  // It keeps waiting, and reports only once.
  await time.tickAsync(10_000);
  assertEquals(reports.length, 1);
  release();
  await time.runMicrotasks();
  // The body had returned before cancel(), so run() resolves with its value.
  assertEquals(await result, undefined);
});

// The paths a slow-cancel report names when a root's worker task opened a
// nursery that waits on a stubborn task, and the root is cancelled.
async function stubbornWorkerPaths(
  options: NurseryRunOptions,
): Promise<string[]> {
  using time = new FakeTime(0);
  const reports: SlowCancelReport[] = [];
  const releases: (() => void)[] = [];
  const result = Nursery.run((root) => {
    root.startSoon(function worker() {
      return stuckNursery({}, releases).result;
    });
    root.cancel();
  }, {
    ...options,
    name: "root",
    onSlowCancel: (report) => reports.push(report),
  });
  await time.tickAsync(5_000);
  for (const release of releases) release();
  await time.runMicrotasks();
  await result;
  return reports[0].stuck.map((s) => s.path.join(" > ")).sort();
}

Deno.test("by default the report names the deepest stuck task under the task that opened its nursery", async () => {
  // The inner nursery belongs to the worker that opened it: the worker is
  // reported through it, by its deepest stuck task.
  assertEquals(await stubbornWorkerPaths({}), [
    "root > worker > nursery > task-1",
  ]);
});

Deno.test("with taskScopes: false the report still names the deepest stuck task, by the scope it runs in", async () => {
  // Without taskScopes the inner nursery belongs to the root's scope (its
  // body), and the worker waiting on it is still running too.
  assertEquals(await stubbornWorkerPaths({ taskScopes: false }), [
    "root > root > nursery > task-1",
    "root > worker",
  ]);
});

Deno.test("the default slow-cancel report is one console.warn after 5 seconds", async () => {
  using time = new FakeTime(0);
  const warnings: unknown[][] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    let release = () => {};
    const result = Nursery.run((n) => {
      n.startSoon(() => new Promise<void>((resolve) => release = resolve), {
        name: "hung",
      });
      n.cancel();
    });
    await time.tickAsync(4_999);
    assertEquals(warnings.length, 0);
    await time.tickAsync(1);
    assertEquals(warnings.length, 1);
    assertStrictEquals(
      (warnings[0][0] as string).endsWith(": nursery > hung"),
      true,
    );
    release();
    await time.runMicrotasks();
    await result.catch(() => {});
  } finally {
    console.warn = warn;
  }
});

Deno.test("a cancellation that finishes in time reports nothing and leaves no timer", async () => {
  using time = new FakeTime(0);
  const reports: SlowCancelReport[] = [];
  const result = Nursery.run((n) => {
    n.startSoon(untilCancelled(() => {}));
    n.cancel();
  }, { onSlowCancel: (report) => reports.push(report) });
  await time.runMicrotasks();
  await result.catch(() => {});
  assertEquals(time.next(), false);
  assertEquals(reports, []);
});

Deno.test("cancelling 10,000 nested nurseries at once arms one slow-cancel timer per millisecond it takes, not one per nursery", async () => {
  // workerd allows 10,000 live timeouts per request: one per cancelled
  // nursery made cancel() throw QuotaExceededError there. Timers share by
  // the real millisecond (a timer armed late in a long synchronous run must
  // not fire early), so a slow cancel() may arm a few.
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  const live = new Set<unknown>();
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    const handle = realSetTimeout(() => {
      live.delete(handle);
      fn();
    }, ms);
    live.add(handle);
    return handle;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((handle?: number) => {
    live.delete(handle);
    realClearTimeout(handle);
  }) as typeof clearTimeout;
  try {
    const built = Promise.withResolvers<void>();
    const chain = (depth: number): Promise<void> =>
      Nursery.run((n) => {
        n.startSoon(
          depth === 0
            ? ({ signal }) => {
              built.resolve();
              return aborted(signal);
            }
            : () => chain(depth - 1),
        );
      });
    let root: Nursery | undefined;
    const running = Nursery.run((n) => {
      root = n;
      n.startSoon(() => chain(10_000));
    });
    await built.promise;
    const before = Date.now();
    root!.cancel();
    const milliseconds = Date.now() - before + 1;
    const armedByCancel = live.size;
    await running;
    assertEquals({
      shared: armedByCancel >= 1 && armedByCancel <= milliseconds,
      left: live.size,
    }, { shared: true, left: 0 });
  } finally {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
  }
});

Deno.test("nurseries cancelled together share a slow-cancel timer, yet each is reported at its own time, and one that ends in time is not", async () => {
  using time = new FakeTime(0);
  const reported: string[] = [];
  const releases: (() => void)[] = [];
  const stuckNursery = (name: string, slowCancelAfter: number) => {
    let nursery: Nursery | undefined;
    const result = Nursery.run((n) => {
      nursery = n;
      n.startSoon(() => new Promise<void>((resolve) => releases.push(resolve)));
    }, {
      name,
      slowCancelAfter,
      onSlowCancel: (report) =>
        reported.push(`${report.nursery.name} at ${Date.now()}`),
    }).catch(() => {});
    return { nursery: nursery!, result };
  };
  const a = stuckNursery("a", 100);
  const b = stuckNursery("b", 100);
  const c = stuckNursery("c", 100);
  const short = stuckNursery("short", 30);
  a.nursery.cancel();
  b.nursery.cancel();
  c.nursery.cancel();
  short.nursery.cancel();
  await time.tickAsync(50);
  const late = stuckNursery("late", 100);
  late.nursery.cancel();
  // b ends in time: its stuck task lets go.
  releases[1]();
  await time.tickAsync(200);
  assertEquals(reported, [
    "short at 30",
    "a at 100",
    "c at 100",
    "late at 150",
  ]);
  for (const release of releases) release();
  await Promise.all([a, b, c, short, late].map((entry) => entry.result));
  assertEquals(time.next(), false);
});

Deno.test("a nursery cancelled in the millisecond a slow-cancel timer fired or was cleared is reported too", async () => {
  // Under FakeTime the millisecond lasts until the next tick: a nursery
  // cancelled then must not join a timer that already fired, or that the
  // last nursery sharing it cleared.
  using time = new FakeTime(0);
  const reported: string[] = [];
  const releases: (() => void)[] = [];
  const stuck = (name: string) =>
    stuckNursery({
      name,
      slowCancelAfter: 0,
      onSlowCancel: (report) => reported.push(report.nursery.name),
    }, releases);
  const cleared = stuck("cleared");
  const a = stuck("a");
  const b = stuck("b");
  cleared.nursery.cancel();
  releases[0]();
  await cleared.result;
  a.nursery.cancel();
  await time.tickAsync(0);
  b.nursery.cancel();
  await time.tickAsync(0);
  assertEquals(reported, ["a", "b"]);
  for (const release of releases) release();
  await Promise.all([a.result, b.result]);
});

Deno.test("a nested nursery whose report waited for its ancestor's is reported when that ancestor closes first", async () => {
  // WRONG: the inner nursery's timer fires while the outer's report is due,
  // so it defers to the outer's report; the outer then closes before its
  // report (its own tasks end), clearing it, and the inner nursery, cancelled
  // and stuck on a task that ignores its signal, is never reported at all.
  // EXPECTED: a cancellation that hangs is reported once (README, "A
  // cancellation that hangs"): by the inner nursery if no ancestor's report
  // names its tasks.
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const warned = warnings.lines;
  let inner: Nursery | undefined;
  let innerRun: Promise<unknown> | undefined;
  let releaseHolder!: () => void;
  let releaseStuck!: () => void;
  let outer: Nursery | undefined;
  const outerRun = Nursery.run((o) => {
    outer = o;
    // Opens a nursery and does not await it: it moves up to the body.
    o.startSoon(() => {
      innerRun = Nursery.run((i) => {
        inner = i;
        i.startSoon(() => new Promise<void>((r) => releaseStuck = r));
      }, { name: "inner", slowCancelAfter: 100 }).catch(() => {});
    });
    o.startSoon(() => new Promise<void>((r) => releaseHolder = r));
  }, { name: "outer", slowCancelAfter: 1_000 });
  await time.tickAsync(0);
  inner!.cancel();
  await time.tickAsync(10);
  outer!.cancel();
  await time.tickAsync(200); // inner's timer fired at 100
  releaseHolder(); // outer closes before its own report is due
  await outerRun;
  await time.tickAsync(5_000);
  const innerReported = warned.some((line) => line.includes('"inner"'));
  releaseStuck();
  await innerRun;
  assertEquals({ warned, innerReported }, { warned, innerReported: true });
});

Deno.test("a nursery cancelled in the millisecond its ancestor's default report went out, after it, is still reported", async () => {
  // WRONG: the ancestor's report and the new nursery's cancellation share a
  // millisecond, so the nursery took the report for one that named its tasks
  // and stayed quiet for good.
  // EXPECTED: a report names what was cancelling when it went out; what is
  // cancelled after it is reported on its own.
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const warned = warnings.lines;
  let releaseLate!: () => void;
  let releaseOuter!: () => void;
  let lateRun: Promise<unknown> | undefined;
  let outer: Nursery | undefined;
  const outerRun = Nursery.run((o) => {
    outer = o;
    o.startSoon(async ({ signal }) => {
      await aborted(signal);
      // Armed after the outer's report timer, for the same millisecond.
      await delay(100);
      // Opened inside the cancelled task: cancelled from the start.
      lateRun = Nursery.run((late) => {
        late.startSoon(() => new Promise<void>((r) => releaseLate = r));
      }, { name: "late", slowCancelAfter: 50 }).catch(() => {});
      await lateRun;
    });
    o.startSoon(() => new Promise<void>((r) => releaseOuter = r));
  }, { name: "outer", slowCancelAfter: 100 }).catch(() => {});
  await time.tickAsync(0);
  outer!.cancel();
  await time.tickAsync(100);
  await time.tickAsync(100);
  const lateReported = warned.some((line) => line.includes('"late"'));
  releaseLate();
  releaseOuter();
  await lateRun;
  await outerRun;
  assertEquals({ warned, lateReported }, { warned, lateReported: true });
});

Deno.test("a nursery whose report waited on its parent's, which waited on its own parent's, is reported when both close first", async () => {
  // WRONG: the inner report waited on the middle nursery's; that one's timer
  // fired and it waited on the outer's in turn, forgetting the inner. Middle
  // and outer then closed before any report: the inner nursery, still stuck,
  // was never reported.
  // EXPECTED: each wait ends in a report, by this nursery or by an ancestor
  // whose report names its tasks.
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const warned = warnings.lines;
  const opened: Record<string, Nursery> = {};
  const runs: Record<string, Promise<unknown>> = {};
  const releases: Record<string, () => void> = {};
  const level = (name: string, slowCancelAfter: number, below?: () => void) =>
    runs[name] = Nursery.run((n) => {
      opened[name] = n;
      // Opened and not awaited: it moves up to this body.
      if (below) n.startSoon(below);
      n.startSoon(() => new Promise<void>((r) => releases[name] = r));
    }, { name, slowCancelAfter }).catch(() => {});
  level("outer", 1_000, () => {
    level("middle", 150, () => {
      level("inner", 100);
    });
  });
  await time.tickAsync(0);
  opened.inner.cancel();
  await time.tickAsync(10);
  opened.middle.cancel();
  await time.tickAsync(10);
  opened.outer.cancel();
  await time.tickAsync(200); // inner's timer fired at 100, middle's at 160
  releases.middle(); // middle closes, then outer, before outer's report
  await runs.middle;
  releases.outer();
  await runs.outer;
  await time.tickAsync(5_000);
  const innerReported = warned.some((line) => line.includes('"inner"'));
  releases.inner();
  await runs.inner;
  assertEquals({ warned, innerReported }, { warned, innerReported: true });
});

Deno.test("once an ancestor's report named a waiting chain, a nursery cancelled later under it is reported at its own time", async () => {
  // WRONG: inner waited for middle's report and middle for outer's; outer's
  // report named them all, yet middle still counted as waiting for a report,
  // so a nursery cancelled later under middle waited for it until middle
  // closed.
  // EXPECTED: the later nursery is reported slowCancelAfter ms after its
  // cancellation.
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const warned = warnings.lines;
  const releases: (() => void)[] = [];
  const stuck = () => new Promise<void>((r) => releases.push(r));
  let outer: Nursery | undefined;
  const run = Nursery.run((o) => {
    outer = o;
    o.startSoon(() =>
      Nursery.run((middle) => {
        middle.startSoon(() =>
          Nursery.run((inner) => {
            inner.startSoon(stuck);
          }, { name: "inner", slowCancelAfter: 10 })
        );
        middle.startSoon(async ({ signal }) => {
          await aborted(signal);
          await delay(150);
          // Opened inside the cancelled task: cancelled from the start.
          await Nursery.run((late) => {
            late.startSoon(stuck);
          }, { name: "late", slowCancelAfter: 10 });
        });
      }, { name: "middle", slowCancelAfter: 50 })
    );
  }, { name: "outer", slowCancelAfter: 100 }).catch(() => {});
  await time.tickAsync(0);
  outer!.cancel();
  for (let ms = 0; ms < 200; ms += 10) await time.tickAsync(10);
  const reports = warned.map((line) => line.slice(0, line.indexOf("was")));
  for (const release of releases) release();
  await time.tickAsync(0);
  await run;
  assertEquals(reports, ['100: Nursery "outer" ', '160: Nursery "late" ']);
});

Deno.test("10,000 nested default reports that waited on one another are let go without recursion", async () => {
  // The levels of the chain fire innermost first, each waiting on its
  // parent's report, the first on "middle"'s. The outer report then names
  // every task; middle's timer fires last and finds its tasks named: letting
  // the 10,000 waits go, each inside the one before, ran out of stack in a
  // timer callback.
  using time = new FakeTime(0);
  const depth = 10_000;
  using warnings = recordWarnings();
  let release!: () => void;
  const chain = (level: number): Promise<void> =>
    Nursery.run((n) => {
      n.startSoon(
        level === depth
          ? () => new Promise<void>((r) => release = r)
          : () => chain(level + 1),
      );
    }, { name: `level-${level}`, slowCancelAfter: 10 + depth - level });
  let root: Nursery | undefined;
  const running = Nursery.run((n) => {
    root = n;
    n.startSoon(() =>
      Nursery.run((middle) => {
        middle.startSoon(() => chain(1));
      }, { name: "middle", slowCancelAfter: 20 + depth })
    );
  }, { name: "outer", slowCancelAfter: 10 + depth }).catch(() => {});
  await time.tickAsync(0);
  root!.cancel();
  await time.tickAsync(30 + depth);
  const reported = warnings.lines.map((line) =>
    line.slice(0, line.indexOf(" was"))
  );
  release();
  await running;
  assertEquals(reported, [`${10 + depth}: Nursery "outer"`]);
});
