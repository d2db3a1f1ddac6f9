// Copyright 2026 the @nursery/nursery authors. MIT license.
// Property-based stress: random task trees under FakeTime, checked against
// the nursery's guarantees. `deno task stress` runs many more cases; a
// failure prints fast-check's seed and path, which replay it
// (NURSERY_STRESS_SEED=<seed> NURSERY_STRESS_PATH=<path>).
import { assert, assertEquals } from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import fc from "fast-check";
import {
  currentSignal,
  failAfter,
  MultiError,
  Nursery,
  shield,
  type StartContext,
  type Task,
  type TaskContext,
} from "./mod.ts";
import { countListeners, countUnhandledRejections } from "./testing/helpers.ts";

interface TaskPlan {
  delay: number;
  sync: boolean;
  outcome: "ok" | "fail" | "failInCleanup" | "syncThrow";
  shield: boolean;
  shieldTimeout: number | undefined;
  start: boolean;
  failBeforeStarted: boolean;
  cancelAt: number | undefined;
  nested: NurseryPlan | undefined;
}

interface NurseryPlan {
  children: TaskPlan[];
  bodyDelay: number;
  bodyFails: boolean;
  cancelAt: number | undefined;
  concurrency: number | undefined;
  strict: boolean;
  timeout: number | undefined;
  taskScopes: boolean;
}

interface RootPlan {
  nursery: NurseryPlan;
  outerAbortAt: number | undefined;
}

const ms = fc.integer({ min: 0, max: 40 });
// fast-check's option() yields null for "none" unless told otherwise.
const maybeMs = fc.option(fc.integer({ min: 0, max: 60 }), {
  freq: 3,
  nil: undefined,
});

function taskPlan(depth: number): fc.Arbitrary<TaskPlan> {
  return fc.record({
    delay: ms,
    sync: fc.boolean(),
    outcome: fc.constantFrom("ok", "ok", "fail", "failInCleanup", "syncThrow"),
    shield: fc.boolean(),
    shieldTimeout: maybeMs,
    start: fc.boolean(),
    failBeforeStarted: fc.boolean(),
    cancelAt: fc.option(ms, { freq: 4, nil: undefined }),
    nested: depth <= 0
      ? fc.constant(undefined)
      : fc.option(nurseryPlan(depth - 1), { freq: 3, nil: undefined }),
  }) as fc.Arbitrary<TaskPlan>;
}

function nurseryPlan(depth: number): fc.Arbitrary<NurseryPlan> {
  return fc.record({
    children: fc.array(taskPlan(depth), { maxLength: depth >= 3 ? 20 : 5 }),
    bodyDelay: ms,
    bodyFails: fc.boolean(),
    cancelAt: fc.option(ms, { freq: 4, nil: undefined }),
    concurrency: fc.option(fc.integer({ min: 1, max: 4 }), {
      freq: 2,
      nil: undefined,
    }),
    strict: fc.boolean(),
    timeout: fc.option(fc.integer({ min: 0, max: 60 }), {
      freq: 4,
      nil: undefined,
    }),
    taskScopes: fc.boolean(),
  }) as fc.Arbitrary<NurseryPlan>;
}

const rootPlan: fc.Arbitrary<RootPlan> = fc.record({
  nursery: nurseryPlan(4),
  outerAbortAt: fc.option(ms, { freq: 4, nil: undefined }),
});

/** What a run did, for the checks. */
class Recorder {
  /** Errors the interpreter threw that the rules say must be reported. */
  readonly expected = new Set<unknown>();
  /** Reasons that may end the root when no failure happened. */
  readonly reasons = new Set<unknown>();
  started = 0;
  finallies = 0;
  readonly problems: string[] = [];

  fail(message: string): never {
    const error = new Error(message);
    this.expected.add(error);
    throw error;
  }
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}

/** The foundation's rule, as the interpreter models it. */
function cancelledBy(error: unknown, reason: unknown): boolean {
  return error === reason || (error as Error)?.name === "AbortError";
}

/** TimeoutErrors made by a nested nursery's own deadline. */
const ownTimeouts = new WeakSet<object>();
/** TimeoutErrors made by a shield's own deadline. */
const expiredShields = new WeakSet<object>();

function leaves(error: unknown): unknown[] {
  return error instanceof MultiError
    ? error.errors.flatMap((e: unknown) => leaves(e))
    : [error];
}

function runNursery(
  plan: NurseryPlan,
  rec: Recorder,
  signal?: AbortSignal,
): Promise<unknown> {
  const handles: { task: Task<unknown>; shielded: boolean }[] = [];
  // The children still running when the nursery was cancelled.
  let liveAtCancel: Task<unknown>[] = [];
  let running = 0;
  let nursery: Nursery | undefined;
  const taskFn = (task: TaskPlan) => async (ctx: TaskContext) => {
    rec.started++;
    running++;
    let startedCalled = false;
    const started = (ctx as Partial<StartContext<void>>).started;
    try {
      if (task.outcome === "syncThrow") {
        if (task.start) startedCalled = true, started!();
        rec.fail("sync throw");
      }
      if (task.start && task.failBeforeStarted) {
        await delay(task.delay, ctx);
        // Before started(): start()'s caller gets it, the nursery never does.
        throw new Error("failed before started");
      }
      if (task.start) {
        startedCalled = true;
        started!();
      }
      if (!task.sync) await delay(task.delay, ctx);
      if (task.nested) await runNursery(task.nested, rec);
      if (task.outcome === "fail") rec.fail("task failed");
      return "ok";
    } catch (error) {
      const reason = ctx.signal.reason;
      // Cleanup that fails while the task is being cancelled (not while it
      // passes on a failure it caught, which would drop that failure itself).
      if (task.outcome === "failInCleanup" && error === reason) {
        if (!task.start || startedCalled) rec.fail("cleanup failed");
        throw new Error("cleanup failed before started");
      }
      // From a nested nursery: its own deadline's TimeoutError, or its own
      // cancellation reason (it cancelled itself while its body ran), is a
      // failure of this task, unless the rule below makes it a cancellation.
      if (ownTimeouts.has(error as object) || rec.reasons.has(error)) {
        rec.expected.add(error);
      }
      if (task.shield && expiredShields.has(reason)) {
        // A shield's deadline turns a cancellation (by the rule, any
        // AbortError too) into its TimeoutError, a failure; before started(),
        // start()'s caller gets it instead of the nursery.
        if (cancelledBy(error, reason)) {
          rec.expected.delete(error);
          if (!task.start || startedCalled) rec.expected.add(reason);
        }
      } else if (
        ctx.signal.aborted &&
        (cancelledBy(error, reason) ||
          (nursery?.cancelled && error === nursery.signal.reason))
      ) {
        // The foundation's rule: this rejection is a cancellation.
        rec.expected.delete(error);
      }
      throw error;
    } finally {
      rec.finallies++;
      running--;
    }
  };

  const body = async (n: Nursery) => {
    nursery = n;
    n.signal.addEventListener("abort", () => liveAtCancel = n.tasks);
    for (const task of plan.children) {
      let fn = taskFn(task);
      if (task.shield) {
        const inner = fn;
        // Note which TimeoutErrors are this shield's own deadline's (the
        // task was not cancelled by a request first).
        fn = shield((ctx: TaskContext) => {
          const note = () => {
            if (isTimeoutError(ctx.signal.reason)) {
              expiredShields.add(ctx.signal.reason);
            }
          };
          if (ctx.signal.aborted) note(); // a deadline already past
          else ctx.signal.addEventListener("abort", note);
          return inner(ctx);
        }, { timeout: task.shieldTimeout });
      }
      if (task.start) {
        const before = rec.started;
        n.start(fn as (ctx: StartContext<void>) => unknown).catch(() => {});
        if (rec.started === before) continue; // queued: no handle to record
        handles.push({
          task: n.tasks[n.tasks.length - 1],
          shielded: task.shield,
        });
      } else {
        const handle = n.startSoon(fn);
        handles.push({ task: handle, shielded: task.shield });
        if (task.cancelAt !== undefined) {
          const at = task.cancelAt;
          n.startSoon(async (ctx) => {
            await delay(at, ctx);
            handle.cancel();
          });
        }
      }
    }
    if (plan.cancelAt !== undefined) {
      const at = plan.cancelAt;
      n.startSoon(async (ctx) => {
        await delay(at, ctx);
        n.cancel();
        rec.reasons.add(n.signal.reason);
      });
    }
    await delay(plan.bodyDelay, { signal: n.signal });
    if (plan.bodyFails) rec.fail("body failed");
    return "body";
  };

  const open = (signal?: AbortSignal) =>
    Nursery.run(body, {
      signal,
      concurrency: plan.concurrency,
      strict: plan.strict,
      taskScopes: plan.taskScopes,
    });
  // { timeout } is failAfter around the nursery (timeout_test.ts proves it);
  // spelled out here to see what the deadline's TimeoutError replaces.
  // The parent scope's signal: if it aborted the deadline's scope first, the
  // TimeoutError is the parent's, not this nursery's own.
  const parentSignal = currentSignal();
  const timed = plan.timeout === undefined ? open(signal) : failAfter(
    plan.timeout,
    ({ signal: scope }) =>
      open(scope).catch((error) => {
        const own = isTimeoutError(scope.reason) &&
          scope.reason !== parentSignal?.reason &&
          scope.reason !== signal?.reason;
        if (own) {
          ownTimeouts.add(scope.reason);
          // failAfter reports its TimeoutError in place of a cancellation.
          if (cancelledBy(error, scope.reason)) rec.expected.delete(error);
        }
        throw error;
      }),
    { signal },
  );
  return timed.finally(() => {
    if (running !== 0) {
      rec.problems.push(
        `${running} task bodies still running after run settled`,
      );
    }
    if (nursery?.cancelled) {
      rec.reasons.add(nursery.signal.reason);
      for (const { task, shielded } of handles) {
        if (!shielded && liveAtCancel.includes(task) && !task.signal.aborted) {
          rec.problems.push(
            `task "${task.name}" of a cancelled nursery not aborted`,
          );
        }
      }
    }
    if (
      handles.some(({ task }) =>
        task.status === "running" || task.status === "queued"
      )
    ) {
      rec.problems.push("a task's status is not final after run settled");
    }
  });
}

async function check(plan: RootPlan): Promise<void> {
  using time = new FakeTime(0);
  const rec = new Recorder();
  const outer = new AbortController();
  const listeners = countListeners(outer.signal);
  using unhandled = countUnhandledRejections();
  let outcome: { ok: boolean; value: unknown } | undefined;
  runNursery(plan.nursery, rec, outer.signal).then(
    (value) => outcome = { ok: true, value },
    (value) => outcome = { ok: false, value },
  );
  if (plan.outerAbortAt !== undefined) {
    const reason = new Error("outer abort");
    rec.reasons.add(reason);
    setTimeout(() => outer.abort(reason), plan.outerAbortAt);
  }
  for (let idle = 0; outcome === undefined && idle < 5;) {
    idle = (await time.nextAsync()) ? 0 : idle + 1;
  }
  await time.runMicrotasks();
  assert(outcome !== undefined, "run() never settled");
  assertEquals(rec.problems, []);
  if (rec.expected.size > 0) {
    assert(!outcome.ok, "run() resolved although tasks failed");
    const reported = leaves(outcome.value);
    assertEquals(
      reported.length,
      new Set(reported).size,
      "an error was reported twice",
    );
    const invented = reported.filter((e) => !rec.expected.has(e));
    const lost = [...rec.expected].filter((e) => !reported.includes(e));
    assertEquals(
      invented.map(String),
      [],
      "errors reported that no task raised",
    );
    assertEquals(lost.map(String), [], "failures that were lost");
  } else if (!outcome.ok) {
    const reason = outcome.value;
    assert(
      rec.reasons.has(reason) ||
        (plan.nursery.timeout !== undefined && isTimeoutError(reason)),
      `run() rejected with ${String(reason)} although nothing failed`,
    );
  } else {
    assertEquals(outcome.value, "body");
  }
  assertEquals(rec.finallies, rec.started, "a finally block did not run");
  assertEquals(
    listeners.added,
    listeners.removed,
    "a listener was left on the outer signal",
  );
  assert(!time.next(), "a timer outlived the run");
  await time.runMicrotasks();
  assertEquals(unhandled.count, 0, "an unhandled rejection was reported");
}

Deno.test("property: random task trees keep every guarantee", async () => {
  const runs = Number(Deno.env.get("NURSERY_STRESS_RUNS") ?? 300);
  const seed = Deno.env.get("NURSERY_STRESS_SEED");
  const path = Deno.env.get("NURSERY_STRESS_PATH");
  await fc.assert(fc.asyncProperty(rootPlan, check), {
    numRuns: runs,
    ...(seed ? { seed: Number(seed), path } : {}),
  });
});
