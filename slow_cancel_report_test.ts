// Copyright 2026 the @nursery/nursery authors. MIT license.
// The slow-cancel report under hostile orderings and values (_watchdog.ts).
import { assertEquals } from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { instrument, Nursery, type SlowCancelReport } from "./mod.ts";
import {
  aborted,
  recordWarnings,
  stuckNursery,
  stuckPathsOf,
} from "./testing/helpers.ts";

Deno.test("a stuck task named by its ancestor's default report is not warned again after the ancestor closes and the nursery moves up", async () => {
  // WRONG: "outer" is cancelled and its default report (at 10) names the
  // stuck task of "inner", a nursery its body opened and did not await.
  // Then outer's own task ends, outer closes and inner moves up to the root.
  // At 100 inner's timer fires, finds no ancestor any more, and warns
  // again about the very same stuck task: one hang, two warnings.
  // EXPECTED: a nested nursery's default report is left to an ancestor's
  // default report that named its tasks: inner stays quiet (its tasks were
  // named, by outer, before it fired).
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  let outer: Nursery | undefined;
  let innerRun: Promise<unknown> | undefined;
  let releaseStuck!: () => void;
  let releaseHolder!: () => void;
  const outerRun = Nursery.run((o) => {
    outer = o;
    // Opened in the body and not awaited: it hangs from outer's body.
    innerRun = Nursery.run((i) => {
      i.startSoon(() => new Promise<void>((r) => releaseStuck = r), {
        name: "stuck",
      });
    }, { name: "inner", slowCancelAfter: 100 }).catch(() => {});
    o.startSoon(() => new Promise<void>((r) => releaseHolder = r), {
      name: "holder",
    });
  }, { name: "outer", slowCancelAfter: 10 }).catch(() => {});
  await time.tickAsync(0);
  outer!.cancel();
  await time.tickAsync(20); // outer's report, naming inner > stuck
  releaseHolder();
  await outerRun; // outer closes; inner moves up, still stuck
  await time.tickAsync(200); // inner's timer fires at 100
  const naming = warnings.lines.filter((line) =>
    stuckPathsOf(line).some((path) => path.endsWith("inner > stuck"))
  );
  releaseStuck();
  await innerRun;
  assertEquals(naming.length, 1, naming.join("\n"));
});

Deno.test("a task started in a cancelled nursery after its ancestor's default report, which hangs, is reported", async () => {
  // WRONG: "outer" and "inner" are cancelled at 0. Outer's default report
  // (at 50) names inner's tasks of that moment: "first" and "spawner". At 60
  // inner's "spawner" starts "late" in inner (a cancelled nursery runs it at
  // once, with an aborted signal), which ignores its signal; "first" ends.
  // At 100 inner's timer fires, sees outer's report came after inner's
  // cancellation, and stays quiet: "late" hangs, and no report ever names it.
  // EXPECTED: every hang is reported once, by someone: inner's report (or
  // another) names "late".
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  let outer: Nursery | undefined;
  const releases: (() => void)[] = [];
  const stuck = () => new Promise<void>((r) => releases.push(r));
  let releaseFirst!: () => void;
  const run = Nursery.run((o) => {
    outer = o;
    o.startSoon(() =>
      Nursery.run((inner) => {
        inner.startSoon(() => new Promise<void>((r) => releaseFirst = r), {
          name: "first",
        });
        inner.startSoon(async ({ signal }) => {
          await aborted(signal);
          await delay(60);
          inner.startSoon(stuck, { name: "late" });
        }, { name: "spawner" });
      }, { name: "inner", slowCancelAfter: 100 })
    );
  }, { name: "outer", slowCancelAfter: 50 }).catch(() => {});
  await time.tickAsync(0);
  outer!.cancel();
  for (let ms = 0; ms < 60; ms += 10) await time.tickAsync(10);
  await time.tickAsync(0);
  releaseFirst();
  for (let ms = 0; ms < 1_000; ms += 10) await time.tickAsync(10);
  const lateNamed = warnings.lines.some((line) =>
    stuckPathsOf(line).some((path) => path.endsWith("inner > late"))
  );
  const lines = [...warnings.lines];
  for (const release of releases) release();
  await time.tickAsync(0);
  await run;
  assertEquals({ lines, lateNamed }, { lines, lateNamed: true });
});

// Replaces console.warn with one that records each message and throws on
// the calls `throwsOn` says, until disposed.
function throwingWarn(throwsOn: (call: number) => boolean) {
  const warn = console.warn;
  const lines: string[] = [];
  console.warn = (message: string) => {
    lines.push(message);
    if (throwsOn(lines.length)) throw new Error("console.warn threw");
  };
  return {
    lines,
    [Symbol.dispose]() {
      console.warn = warn;
    },
  };
}

Deno.test("a console.warn that throws for one default report does not swallow the reports that share its timer", async () => {
  // WRONG: "a" and "b" are cancelled in the same millisecond with the same
  // slowCancelAfter, so their watches share one setTimeout. console.warn
  // throws for a's report: the throw leaves SharedTimer's group loop (and
  // escapes the timer callback, which outside FakeTime is an uncaught
  // error), and b's watch is never called: b hangs and is never reported.
  // (onSlowCancel's throws are caught and go to console.error; the default
  // reporter's are not caught at all.)
  // EXPECTED: b is reported; a throwing console.warn costs at most its own
  // report, and nothing escapes into the timer.
  using time = new FakeTime(0);
  using warnings = throwingWarn((call) => call === 1);
  const releases: (() => void)[] = [];
  const open = (name: string) => {
    let nursery: Nursery | undefined;
    const result = Nursery.run((n) => {
      nursery = n;
      n.startSoon(() => new Promise<void>((r) => releases.push(r)));
    }, { name, slowCancelAfter: 10 }).catch(() => {});
    return { nursery: nursery!, result };
  };
  const a = open("a");
  const b = open("b");
  await time.tickAsync(0);
  a.nursery.cancel();
  b.nursery.cancel();
  let escaped: unknown;
  for (let ms = 0; ms < 100; ms += 10) {
    try {
      await time.tickAsync(10);
    } catch (error) {
      escaped ??= error;
    }
  }
  const bReported = warnings.lines.some((line) => line.includes('"b"'));
  for (const release of releases) release();
  await Promise.all([a.result, b.result]);
  assertEquals(
    { bReported, escaped: String(escaped) },
    { bReported: true, escaped: "undefined" },
  );
});

Deno.test("a console.warn that throws inside the release loop does not drop the other waits being let go", async () => {
  // WRONG: "left" and "right" are nested in "outer" and fire first: each
  // waits for outer's report. Outer closes before its report; closing lets
  // both waits go in one loop. console.warn throws for left's report: the
  // throw leaves the loop (the finally only resets `releasing`) and escapes
  // from outer's #close into the task-settle bookkeeping, which takes any
  // throw for running out of stack and swallows it ("hooks and handlers are
  // guarded"; the default reporter is not). Right's wait is dropped: right,
  // still stuck, is never reported, by anyone.
  // EXPECTED: right is reported too; nothing escapes.
  using time = new FakeTime(0);
  using warnings = throwingWarn((call) => call === 1);
  let outer: Nursery | undefined;
  const releases: (() => void)[] = [];
  const stuck = () => new Promise<void>((r) => releases.push(r));
  const runs: Promise<unknown>[] = [];
  let releaseHolder!: () => void;
  const outerRun = Nursery.run((o) => {
    outer = o;
    // Opened in the body and not awaited: they move up when outer closes.
    for (const name of ["left", "right"]) {
      runs.push(
        Nursery.run((n) => {
          n.startSoon(stuck);
        }, { name, slowCancelAfter: 10 }).catch(() => {}),
      );
    }
    o.startSoon(() => new Promise<void>((r) => releaseHolder = r));
  }, { name: "outer", slowCancelAfter: 1_000 });
  await time.tickAsync(0);
  outer!.cancel();
  await time.tickAsync(50); // left and right fired: both wait for outer's
  const before = [...warnings.lines];
  let outcome = "";
  let escaped: unknown;
  try {
    releaseHolder();
    // Outer closes first: both waits are let go.
    outcome = await outerRun.then(() => "ok", (e) => String(e));
    for (let i = 0; i < 5; i++) await time.tickAsync(0);
  } catch (error) {
    escaped = error;
  }
  const rightReported = warnings.lines.some((line) => line.includes('"right"'));
  for (const release of releases) release();
  await Promise.all(runs);
  const lines = [...warnings.lines];
  assertEquals(
    { before, rightReported, escaped: String(escaped), outcome, lines },
    { before: [], rightReported: true, escaped: "undefined", outcome, lines },
  );
});

Deno.test("a nursery cancelled late in a long synchronous run is not reported before its slowCancelAfter has passed", async () => {
  // WRONG: "x" is cancelled at 0; the same synchronous run then computes
  // for 90 ms (modelled by moving the fake clock on, with no turn between)
  // and cancels "y". coarseNow() still gives 0 (it is read once per
  // synchronous run), so y's watch joins x's shared timer, armed at 0 for
  // 100 ms. x ends in time (at 95); its timer stays, for y, and fires at
  // 100: y is reported 10 ms after its cancellation, as "cancelled 100 ms
  // ago", though its task ends at 150, well within its 100 ms.
  // (Root cause in _clock.ts / _shared_timer.ts, which the watchdog uses.)
  // EXPECTED: no report: each nursery closed within slowCancelAfter of its
  // own cancellation.
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const open = (name: string) => {
    let nursery: Nursery | undefined;
    let release!: () => void;
    const result = Nursery.run((n) => {
      nursery = n;
      n.startSoon(() => new Promise<void>((r) => release = r));
    }, { name, slowCancelAfter: 100 }).catch(() => {});
    return { nursery: nursery!, result, release: () => release() };
  };
  const x = open("x");
  const y = open("y");
  await time.tickAsync(0);
  x.nursery.cancel();
  time.tick(90); // 90 ms of synchronous work: no timer is due, no turn passes
  y.nursery.cancel();
  await time.tickAsync(5);
  x.release(); // at 95: x closes in time
  await x.result;
  await time.tickAsync(10); // 105
  const early = [...warnings.lines];
  await time.tickAsync(45); // 150
  y.release();
  await y.result;
  assertEquals(early, []);
});

Deno.test("a task whose function has a symbol for a name does not make the slow-cancel report throw out of its timer", async () => {
  // WRONG: the stuck task's name comes from its function's `name`, here a
  // symbol (`class { static name = Symbol() }`, or defineProperty). tree()
  // copes (JSON.stringify), but reportSlowCancel joins the path with
  // `join(" > ")`, which throws a TypeError before onSlowCancel is called:
  // the hook never hears of the hang, and the TypeError escapes from the
  // timer callback (an uncaught error outside FakeTime), taking the other
  // watches of the same shared timer with it ("other" is never reported).
  // EXPECTED: both hooks are called (the name shown as String(name), say),
  // and nothing escapes.
  using time = new FakeTime(0);
  const reported: string[] = [];
  const releases: (() => void)[] = [];
  const hang = () => new Promise<void>((r) => releases.push(r));
  const odd = () => hang();
  Object.defineProperty(odd, "name", { value: Symbol("odd") });
  const open = (name: string, fn: () => Promise<void>) => {
    let nursery: Nursery | undefined;
    const result = Nursery.run((n) => {
      nursery = n;
      n.startSoon(fn);
    }, {
      name,
      slowCancelAfter: 10,
      onSlowCancel: (report) => reported.push(report.nursery.name),
    }).catch(() => {});
    return { nursery: nursery!, result };
  };
  const a = open("a", odd);
  const other = open("other", hang);
  await time.tickAsync(0);
  a.nursery.cancel();
  other.nursery.cancel();
  let escaped: unknown;
  try {
    await time.tickAsync(20);
  } catch (error) {
    escaped = error;
  }
  for (const release of releases) release();
  await Promise.all([a.result, other.result]);
  assertEquals(
    { reported, escaped: String(escaped) },
    { reported: ["a", "other"], escaped: "undefined" },
  );
});

// Runs "solo" (slowCancelAfter 10), cancelled at 0: its task "first"
// ignores its signal, and "spawner" starts `late` in it `after` ms later.
// Each warning until 100 ms, as "<ms>: <the stuck paths>".
async function lateTaskReports(
  late: (releases: (() => void)[]) => () => unknown,
  after: number,
): Promise<string[]> {
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const releases: (() => void)[] = [];
  let solo: Nursery | undefined;
  const run = Nursery.run((n) => {
    solo = n;
    n.startSoon(() => new Promise<void>((r) => releases.push(r)), {
      name: "first",
    });
    n.startSoon(async ({ signal }) => {
      await aborted(signal);
      await delay(after);
      n.startSoon(late(releases), { name: "late" });
    }, { name: "spawner" });
  }, { name: "solo", slowCancelAfter: 10 }).catch(() => {});
  await time.tickAsync(0);
  solo!.cancel();
  for (let ms = 0; ms < 100; ms += 5) await time.tickAsync(5);
  const reports = warnings.lines.map((line) =>
    `${line.slice(0, line.indexOf(":"))}: ${stuckPathsOf(line).join(", ")}`
  );
  for (const release of releases) release();
  await time.tickAsync(0);
  await run;
  return reports;
}

Deno.test("a task started in a cancelled nursery after its own report arms the watch again: it is reported slowCancelAfter ms later", async () => {
  const reports = await lateTaskReports(
    (releases) => () => new Promise<void>((r) => releases.push(r)),
    50,
  );
  assertEquals(reports, [
    "10: solo > first, solo > spawner",
    "60: solo > late, solo > first",
  ]);
});

Deno.test("a nursery opened by a late task reports its own hang, and the report armed for that task does not name it again", async () => {
  // "solo" reports at 10; at 20 a task started in it opens "inner", which
  // is cancelled from the start and stuck. Inner's timer (25) comes before
  // the one armed for the late task (30), which finds nothing unnamed.
  const reports = await lateTaskReports(
    (releases) => () =>
      Nursery.run((inner) => {
        inner.startSoon(() => new Promise<void>((r) => releases.push(r)), {
          name: "deep",
        });
      }, { name: "inner", slowCancelAfter: 5 }),
    20,
  );
  assertEquals(reports, [
    "10: solo > first, solo > spawner",
    "25: inner > deep",
  ]);
});

Deno.test("a default report that fails names nothing: a nested nursery it walked through still reports its hang", async () => {
  // The outer report's console.warn throws: it reached no one, so inner's
  // stuck task is reported by inner, when its own timer fires.
  using time = new FakeTime(0);
  using warnings = throwingWarn((call) => call === 1);
  const errors: unknown[][] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => void errors.push(args);
  try {
    const releases: (() => void)[] = [];
    let outer: Nursery | undefined;
    const run = Nursery.run((o) => {
      outer = o;
      o.startSoon(() =>
        Nursery.run((inner) => {
          inner.startSoon(() => new Promise<void>((r) => releases.push(r)));
        }, { name: "inner", slowCancelAfter: 100 })
      );
    }, { name: "outer", slowCancelAfter: 10 }).catch(() => {});
    await time.tickAsync(0);
    outer!.cancel();
    await time.tickAsync(200);
    const names = warnings.lines.map((line) =>
      line.slice(0, line.indexOf(" was"))
    );
    for (const release of releases) release();
    await time.tickAsync(0);
    await run;
    assertEquals({ names, errors: errors.length }, {
      names: ['Nursery "outer"', 'Nursery "inner"'],
      errors: 1,
    });
  } finally {
    console.error = error;
  }
});

Deno.test("a task started in a cancelled nursery that ends at once does not make it warn again about the hang it already reported", async () => {
  // WRONG: "n" is cancelled; its one task ignores its signal. Its default
  // report (at 10) names "n > stuck". At 20 a cleanup task is started in the
  // cancelled nursery (it is called at once, with an aborted signal, so that
  // its cleanup runs) and ends at once. taskStarted() re-arms the watch
  // whatever becomes of the new task, and at 30 "n" warns a second time,
  // naming only "n > stuck" again: one hang, two warnings. Every task
  // started in a cancelled nursery (100,000 of them: still two warnings, one
  // per re-arm) does it; nested, an ancestor's report and the nursery's own
  // re-armed one name the same stuck task (two default reporters).
  // EXPECTED: README, guarantees: "a hang is reported once"; a report after
  // the first is due only for what no report named (a task started after it
  // that is still live when the report fires).
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const releases: (() => void)[] = [];
  let nursery: Nursery | undefined;
  const run = Nursery.run((n) => {
    nursery = n;
    n.startSoon(() => new Promise<void>((r) => releases.push(r)), {
      name: "stuck",
    });
  }, { name: "n", slowCancelAfter: 10 }).catch(() => {});
  await time.tickAsync(0);
  nursery!.cancel();
  await time.tickAsync(20); // the report at 10
  nursery!.startSoon(() => {}, { name: "cleanup" }); // ends at once
  await time.tickAsync(100);
  const lines = [...warnings.lines];
  const naming = lines.filter((line) =>
    stuckPathsOf(line).includes("n > stuck")
  );
  for (const release of releases) release();
  await run;
  assertEquals({ lines, naming: naming.length }, { lines, naming: 1 });
});

Deno.test("an onSlowCancel hook that starts a short task in its nursery is not called again and again for the one hang", async () => {
  // WRONG: the same re-arm, with a hook: a hook that records the report by
  // starting a task in the (cancelled) nursery, a task that ends at once,
  // re-arms the watch each time it runs, so it is called every
  // slowCancelAfter ms for as long as the one stuck task hangs (10 times in
  // 100 ms here; with slowCancelAfter: 0, on every timer turn).
  // EXPECTED: the hook is called once for the one hang.
  using time = new FakeTime(0);
  const releases: (() => void)[] = [];
  const reports: number[] = [];
  const stuck = stuckNursery({
    name: "n",
    slowCancelAfter: 10,
    onSlowCancel: (report: SlowCancelReport) => {
      reports.push(Date.now());
      (report.nursery as Nursery).startSoon(() => {}, { name: "log" });
    },
  }, releases);
  await time.tickAsync(0);
  stuck.nursery.cancel();
  for (let ms = 0; ms < 100; ms += 10) await time.tickAsync(10);
  const calls = [...reports];
  for (const release of releases) release();
  await stuck.result;
  assertEquals(calls, [10]);
});

Deno.test("a watch released from a stale wait while its re-armed timer is pending leaves that timer behind, which reports the nursery after it closed", async () => {
  // Nesting a2 > a > x, all on the default reporter; x's task "S" ignores
  // its signal. a2 is cancelled at 0 (so all three are).
  // - 10: x's timer fires; a's report is still to come: x waits for it
  //   (x is in a's #waiting).
  // - 20: a2's report names everything (x > S), marking a and x named; x
  //   stays in a's #waiting list.
  // - 995: "L1" is started in x: x re-arms (timer due at 1005).
  // - 1000: a's timer fires, finds itself named and lets its waits go: it
  //   calls x's #fired() although x's own timer is pending. x reports at
  //   once (L1 is 5 ms old, its slowCancelAfter is 10) and forgets the
  //   pending timer without clearing it.
  // - 1001: "L2" is started in x: a second timer (due at 1011).
  // - 1002: everything is released; x closes, clearing only the second one.
  // WRONG: the forgotten timer is still pending once every nursery closed
  // (a real one would trip Deno's timer sanitizer), and at 1005 it reports
  // x, closed by then: 'Nursery "x" ... still waits for 0 task(s)'.
  // EXPECTED: a nursery's timers end with it; no report for a closed
  // nursery (and none before a task's slowCancelAfter has passed).
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const opened: Record<string, Nursery> = {};
  const releases: (() => void)[] = [];
  const stuck = () => new Promise<void>((r) => releases.push(r));
  const run = Nursery.run((a2) => {
    opened.a2 = a2;
    a2.startSoon(() =>
      Nursery.run((a) => {
        opened.a = a;
        a.startSoon(() =>
          Nursery.run((x) => {
            opened.x = x;
            x.startSoon(stuck, { name: "S" });
          }, { name: "x", slowCancelAfter: 10 })
        );
      }, { name: "a", slowCancelAfter: 1_000 })
    );
  }, { name: "a2", slowCancelAfter: 20 }).catch(() => {});
  await time.tickAsync(0);
  opened.a2.cancel();
  await time.tickAsync(995);
  opened.x.startSoon(stuck, { name: "L1" });
  await time.tickAsync(6); // 1001
  opened.x.startSoon(stuck, { name: "L2" });
  await time.tickAsync(1); // 1002
  for (const release of releases) release();
  await time.tickAsync(0);
  await run;
  const closed = [opened.x.closed, opened.a.closed, opened.a2.closed];
  const before = warnings.lines.length;
  // Every nursery closed: no timer of theirs should be left.
  const timerLeft = time.next();
  await time.tickAsync(100);
  const afterClose = warnings.lines.slice(before);
  assertEquals({ closed, timerLeft, afterClose }, {
    closed: [true, true, true],
    timerLeft: false,
    afterClose: [],
  });
});

Deno.test("the default slow-cancel report of a wide tree under a deep chain is linear in the tree's size", async () => {
  // WRONG: 300 leaf nurseries, each with one stuck task, under a chain of
  // 300 nested nurseries: about 1,500 nurseries and tasks. The one default
  // warning writes each stuck task's full path (about 600 names), so it is
  // about 2,000,000 characters, growing as leaves x depth (1,000 x 1,000:
  // 20.9 MB in one console.warn; beyond V8's string limit the message
  // cannot be built, the report fails with a RangeError that goes to
  // console.error, and every nursery it walked is marked named: the hang is
  // never reported). tree() caps its indentation for this reason.
  // EXPECTED: README, guarantees: "tree(), dumpTasks() and the slow-cancel
  // report are linear": a bounded number of characters per node (tree()
  // of the same tree is far under 200 per node).
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const depth = 300;
  const leaves = 300;
  const releases: (() => void)[] = [];
  const stuck = () => new Promise<void>((r) => releases.push(r));
  const chain = (level: number): Promise<unknown> =>
    Nursery.run((n) => {
      if (level < depth) n.startSoon(() => chain(level + 1));
      else {
        for (let i = 0; i < leaves; i++) {
          n.startSoon(() =>
            Nursery.run((leaf) => {
              leaf.startSoon(stuck, { name: "s" });
            }, { name: `leaf-${i}` })
          );
        }
      }
    }, { name: `level-${level}` });
  let root: Nursery | undefined;
  const run = Nursery.run((n) => {
    root = n;
    n.startSoon(() => chain(1));
  }, { name: "root", slowCancelAfter: 100 }).catch(() => {});
  await time.tickAsync(0);
  const tree = root!.tree();
  const nodes = tree.split("\n").length;
  root!.cancel();
  await time.tickAsync(200);
  const lengths = warnings.lines.map((line) => line.length);
  for (const release of releases) release();
  await time.tickAsync(0);
  await run;
  const perNode = Math.round(lengths[0] / nodes);
  const treePerNode = Math.round(tree.length / nodes);
  assertEquals(
    { warnings: lengths.length, linear: perNode <= 200, perNode, treePerNode },
    { warnings: 1, linear: true, perNode, treePerNode },
  );
});

Deno.test("a late task's hang that waited for an ancestor's first report is reported when that ancestor closes first", async () => {
  // "inner" (opened in outer's body, not awaited) is cancelled alone and
  // reports at 10; at 20 "late", which ignores its signal, starts in it. At
  // 25 "outer" is cancelled: its first report is due at 125. At 30 inner
  // finds "late" a new hang and waits for that report; at 40 outer closes
  // before it. Inner, let go, must report "late" itself.
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const releases: (() => void)[] = [];
  const stuck = () => new Promise<void>((r) => releases.push(r));
  let outer: Nursery | undefined;
  let inner: Nursery | undefined;
  let innerRun: Promise<unknown> | undefined;
  let releaseHolder!: () => void;
  const outerRun = Nursery.run((o) => {
    outer = o;
    innerRun = Nursery.run((i) => {
      inner = i;
      i.startSoon(stuck, { name: "first" });
    }, { name: "inner", slowCancelAfter: 10 }).catch(() => {});
    o.startSoon(() => new Promise<void>((r) => releaseHolder = r));
  }, { name: "outer", slowCancelAfter: 100 });
  await time.tickAsync(0);
  inner!.cancel();
  await time.tickAsync(20);
  inner!.startSoon(stuck, { name: "late" });
  await time.tickAsync(5);
  outer!.cancel();
  await time.tickAsync(15);
  releaseHolder();
  await outerRun;
  await time.tickAsync(200);
  const reports = warnings.lines.map((line) =>
    `${line.slice(0, line.indexOf(":"))}: ${stuckPathsOf(line).join(", ")}`
  );
  for (const release of releases) release();
  await innerRun;
  assertEquals(reports, [
    "10: inner > first",
    "40: inner > late, inner > first",
  ]);
});

Deno.test("a nurseryClosed hook that throws, with a console.error that throws too, leaves no slow-cancel timer behind", async () => {
  // WRONG: the watch was closed after the nurseryClosed event; a hook that
  // throws where even console.error throws (so the logging of it throws)
  // left #close early, with the watch's timer pending: it later reported a
  // closed nursery.
  // EXPECTED: the watch is closed whatever the event does.
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const error = console.error;
  console.error = () => {
    throw new Error("console.error threw");
  };
  try {
    using _hooks = instrument({
      nurseryClosed() {
        throw new Error("hook threw");
      },
    });
    let release!: () => void;
    let nursery: Nursery | undefined;
    const run = Nursery.run((n) => {
      nursery = n;
      n.startSoon(() => new Promise<void>((r) => release = r));
    }, { name: "closing", slowCancelAfter: 10 }).catch(() => {});
    await time.tickAsync(0);
    nursery!.cancel();
    await time.tickAsync(5);
    release();
    await run;
    const pending = time.next();
    await time.tickAsync(20);
    assertEquals({ pending, warned: warnings.lines }, {
      pending: false,
      warned: [],
    });
  } finally {
    console.error = error;
  }
});

Deno.test("a report made for a late task lists the tasks no report named first, so a message of 10 paths shows the new hang", async () => {
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const releases: (() => void)[] = [];
  const stuck = () => new Promise<void>((r) => releases.push(r));
  let solo: Nursery | undefined;
  const run = Nursery.run((n) => {
    solo = n;
    for (let i = 0; i < 11; i++) n.startSoon(stuck, { name: `old-${i}` });
  }, { name: "solo", slowCancelAfter: 10 }).catch(() => {});
  await time.tickAsync(0);
  solo!.cancel();
  await time.tickAsync(20);
  solo!.startSoon(stuck, { name: "late" });
  await time.tickAsync(20);
  const firstPaths = warnings.lines.map((line) => stuckPathsOf(line)[0]);
  for (const release of releases) release();
  await run;
  assertEquals(firstPaths, ["solo > old-0", "solo > late"]);
});
