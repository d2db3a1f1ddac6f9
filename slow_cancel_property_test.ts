// Copyright 2026 the @nursery/nursery authors. MIT license.
// The slow-cancel watchdog (_watchdog.ts) against a model: random small
// trees of nurseries (2-4 levels; nested ones awaited by a task or the
// body, or opened and not awaited; some with onSlowCancel, some of whose
// hooks start a task), stuck tasks that ignore their signal until released,
// quick ones, random cancellations, releases and tasks started late, under
// FakeTime stepped 1 ms at a time (testing/slow_cancel_model.ts). What it checks:
// 1. a stuck task still stuck past its nursery's and its ancestors'
//    slowCancelAfter (summed) was named by some report, and a nursery with
//    onSlowCancel that still waits past its delay got its hook called;
// 2. no default warning names only what an earlier default warning that
//    walked through its nursery (cancelled before it) named; none is made by
//    a nested nursery whose cancelling ancestor's first report, later, names
//    the same; a nursery's second report, and its own report after an
//    ancestor's named its tasks, name a task started in it since, at least
//    slowCancelAfter ms before;
// 3. no report for a closed nursery, or naming one; none before its delay;
//    "cancelled N ms ago" is right; the message's count is right;
// 4. once all is released, every run settles and no timer is left.
// NURSERY_SLOW_CANCEL_SEEDS=<n> runs more seeds (default 400);
// testing/slow_cancel_explore.ts groups the findings of many.
// The defects it found, each reduced to a test, follow.
import { assertEquals } from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { Nursery } from "./mod.ts";
import { recordWarnings, stuckPathsOf } from "./testing/helpers.ts";
import {
  duplicates,
  generate,
  runScenario,
} from "./testing/slow_cancel_model.ts";

Deno.test("slow-cancel reports of random nursery trees keep the watchdog's contract", async () => {
  const seeds = Number(Deno.env.get("NURSERY_SLOW_CANCEL_SEEDS") ?? 400);
  const failed: string[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const scenario = generate(seed);
    const outcome = await runScenario(scenario);
    const found = [...outcome.violations, ...duplicates(scenario, outcome)];
    if (found.length > 0) failed.push(`seed ${seed}: ${found[0]}`);
  }
  assertEquals(failed, []);
});

// "outer" (default reporter, `outerAfter`) runs "inner" (`innerAfter`) in a
// task; inner's task "first" ignores its signal until released. Both are
// open once this resolves (under FakeTime).
async function nestedPair(outerAfter: number, innerAfter: number) {
  const releases: (() => void)[] = [];
  let outer: Nursery | undefined;
  let inner: Nursery | undefined;
  const run = Nursery.run((o) => {
    outer = o;
    o.startSoon(() =>
      Nursery.run((i) => {
        inner = i;
        i.startSoon(() => new Promise<void>((r) => releases.push(r)), {
          name: "first",
        });
      }, { name: "inner", slowCancelAfter: innerAfter })
    );
  }, { name: "outer", slowCancelAfter: outerAfter }).catch(() => {});
  await Promise.resolve();
  await Promise.resolve();
  return { outer: outer!, inner: inner!, run, releases };
}

Deno.test("a stuck task started in a nested nursery while its ancestor's report for a late task is pending is reported when that report does not come", async () => {
  // WRONG: "outer" (slowCancelAfter 10) > "inner" (5), both default. outer
  // is cancelled at 0; its report at 10 names inner > first. At 20 a
  // cleanup task that ends at once is started in outer: outer's watch is
  // armed again (due at 30). At 21 "late", which ignores its signal, is
  // started in inner: inner's watch is armed again (due at 26). At 26 it
  // finds outer's report for a late task still to come and waits for it. At
  // 30 outer's timer finds its cleanup ended and makes no report; it lets
  // inner's wait go, and inner, looking again, sees itself named (by outer's
  // report at 10, before "late" started) and stays quiet: "late" hangs, and
  // no report ever names it.
  // EXPECTED: "a task started in it after that report went out" is reported
  // on its own when it still runs after slowCancelAfter: a warning naming
  // inner > late (at 30, when the report inner waited for did not come).
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const { outer, inner, run, releases } = await nestedPair(10, 5);
  const stuck = () => new Promise<void>((r) => releases.push(r));
  outer.cancel();
  await time.tickAsync(20); // outer's report at 10
  outer.startSoon(() => {}, { name: "cleanup" }); // ends at once
  await time.tickAsync(1);
  inner.startSoon(stuck, { name: "late" }); // at 21, ignores its signal
  for (let ms = 0; ms < 100; ms++) await time.tickAsync(1);
  const lines = [...warnings.lines];
  const lateNamed = lines.some((line) =>
    stuckPathsOf(line).some((path) => path.endsWith("inner > late"))
  );
  for (const release of releases) release();
  await time.tickAsync(0);
  await run;
  assertEquals({ lines, lateNamed }, { lines, lateNamed: true });
});

Deno.test("a task started in a nested nursery after its ancestor's report is not reported before its slowCancelAfter, by the nursery's first timer", async () => {
  // WRONG: "outer" (slowCancelAfter 10) > "inner" (50), both default.
  // Both are cancelled at 0; outer's report at 10 names inner > first, and
  // marks inner named. At 40 "cleanup" is started in inner: it ignores its
  // signal for 20 ms and ends at 60, well within inner's 50 ms. taskStarted
  // arms no timer for it (`#timer ??=`: inner's first one, due at 50, is
  // still pending), so at 50 that first timer finds "cleanup" running and
  // warns, 10 ms after it started, naming inner > first (already warned
  // about at 10) and inner > cleanup (which then ends in time): a second
  // warning for the one hang, and a false one about the cleanup.
  // EXPECTED: "a task started in a cancelled nursery after a report is
  // reported again only if it still runs after slowCancelAfter": cleanup
  // ends at 60, before 40 + 50, so outer's warning is the only one.
  using time = new FakeTime(0);
  using warnings = recordWarnings();
  const { outer, inner, run, releases } = await nestedPair(10, 50);
  outer.cancel();
  await time.tickAsync(40); // outer's report at 10
  inner.startSoon(() => delay(20), { name: "cleanup" }); // ends at 60
  for (let ms = 0; ms < 100; ms++) await time.tickAsync(1); // to 140
  const lines = warnings.lines.map((line) =>
    `${line.slice(0, line.indexOf(":"))}: ${stuckPathsOf(line).join(", ")}`
  );
  for (const release of releases) release();
  await time.tickAsync(0);
  await run;
  assertEquals(lines, ["10: outer > task-1 > inner > first"]);
});
