// Copyright 2026 the @nursery/nursery authors. MIT license.
// Property-based stress: random task trees under FakeTime, checked against
// the nursery's guarantees. `deno task stress` runs many more cases; a
// failure prints fast-check's seed and path, which replay it
// (NURSERY_STRESS_SEED=<seed> NURSERY_STRESS_PATH=<path>).
//
// Two properties. The exact model predicts which errors run() reports; it
// runs on the original generators, and on extended ones that add what it
// missed (issue 11): truly synchronous tasks in queued positions, hostile
// values, deep synchronous chains of startSoon(), task.cancel() on tasks that
// opened nested scopes without a signal, and callbacks that outlive their
// task. Every nursery it opens names its `taskScopes` setting, so the model
// holds whatever the default is. The second property knows no rules: run()
// settles, every `finally` ran, what is reported is a subset of what was
// thrown (or of the reasons the test itself gave), none twice, and nothing
// leaked.
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
  type TaskFunction,
} from "./mod.ts";
import {
  countListeners,
  countUnhandledRejections,
  hostileValues,
} from "./testing/helpers.ts";

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
  // Extended generators only (the original ones leave them at "none"):
  /** A plain function that returns or throws before startSoon() returns. */
  immediate: "no" | "returns" | "throws";
  /** Fail with this hostile value (an index into EXACT_HOSTILE), not an Error. */
  hostile: number | undefined;
  /** Also start a chain of this many tasks, each starting the next at once. */
  chain: number;
  chainFails: boolean;
  /** After this many ms, a callback the task registered opens a nursery. */
  late: number | undefined;
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

// Hostile values whose classification the model can predict: their `name`
// can be read, so the cancellation rule applies to them as to any value.
// The model-free property below uses all of hostileValues().
const EXACT_HOSTILE = [
  "a null-prototype object",
  "an Error whose message getter throws",
  "an Error whose stack getter throws",
  "a symbol",
  "an Error with a cyclic cause",
  "a thenable that throws from then",
];

function exactHostile(index: number): unknown {
  const label = EXACT_HOSTILE[index % EXACT_HOSTILE.length];
  return hostileValues().find(([name]) => name === label)![1];
}

/** The fields only the extended generators vary. */
function extensions(extended: boolean) {
  if (!extended) {
    return {
      immediate: fc.constant("no" as const),
      hostile: fc.constant(undefined),
      chain: fc.constant(0),
      chainFails: fc.constant(false),
      late: fc.constant(undefined),
    };
  }
  return {
    immediate: fc.constantFrom("no", "no", "returns", "throws"),
    hostile: fc.option(fc.nat(EXACT_HOSTILE.length - 1), {
      freq: 3,
      nil: undefined,
    }),
    chain: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }) },
    ),
    chainFails: fc.boolean(),
    late: fc.option(ms, { freq: 4, nil: undefined }),
  };
}

function taskPlan(depth: number, extended: boolean): fc.Arbitrary<TaskPlan> {
  return fc.record({
    ...extensions(extended),
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
      : fc.option(nurseryPlan(depth - 1, extended), {
        freq: 3,
        nil: undefined,
      }),
  }) as fc.Arbitrary<TaskPlan>;
}

function nurseryPlan(
  depth: number,
  extended: boolean,
): fc.Arbitrary<NurseryPlan> {
  return fc.record({
    children: fc.array(taskPlan(depth, extended), {
      maxLength: depth >= 3 ? 20 : 5,
    }),
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

function rootPlan(extended: boolean): fc.Arbitrary<RootPlan> {
  return fc.record({
    nursery: nurseryPlan(4, extended),
    outerAbortAt: fc.option(ms, { freq: 4, nil: undefined }),
  });
}

/** What a run did, for the checks. */
class Recorder {
  /** Errors the interpreter threw that the rules say must be reported. */
  readonly expected = new Set<unknown>();
  /** Reasons that may end the root when no failure happened. */
  readonly reasons = new Set<unknown>();
  started = 0;
  finallies = 0;
  readonly problems: string[] = [];
  /** Callbacks that may outlive their task, until their nursery settled. */
  latePending = 0;
  /** Set once the root run() has settled. */
  rootSettled = false;

  fail(message: string, hostile?: number): never {
    const error = hostile === undefined
      ? new Error(message)
      : exactHostile(hostile);
    this.expected.add(error);
    throw error;
  }
}

/** `error.name`, or undefined when reading it throws. */
function nameOf(error: unknown): unknown {
  try {
    return (error as { name?: unknown } | null | undefined)?.name;
  } catch {
    return undefined;
  }
}

/** A description of any value that never throws, for assertion messages. */
function describe(value: unknown): string {
  try {
    return typeof value === "symbol" ? value.toString() : String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "(a value that cannot be described)";
    }
  }
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}

/** The foundation's rule, as the interpreter models it. */
function cancelledBy(error: unknown, reason: unknown): boolean {
  return error === reason || nameOf(error) === "AbortError";
}

/** TimeoutErrors made by a nested nursery's own deadline. */
const ownTimeouts = new WeakSet<object>();
/** TimeoutErrors made by a shield's own deadline. */
const expiredShields = new WeakSet<object>();

function isMultiError(error: unknown): error is MultiError {
  try {
    return error instanceof MultiError;
  } catch {
    return false; // a revoked proxy
  }
}

function leaves(error: unknown): unknown[] {
  return isMultiError(error)
    ? error.errors.flatMap((e: unknown) => leaves(e))
    : [error];
}

/** The nurseries that the tasks of a plan opened, for the checks. */
const nestedOf = new WeakMap<TaskPlan, Nursery>();

function runNursery(
  plan: NurseryPlan,
  rec: Recorder,
  signal?: AbortSignal,
  onOpen?: (nursery: Nursery) => void,
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
    if (task.late !== undefined) {
      // A promise reaction runs in the context of the code that registered
      // it, so this callback belongs to the task, and may outlive it.
      rec.latePending++;
      delay(task.late).then(() => openLate(rec));
    }
    try {
      if (task.outcome === "syncThrow") {
        if (task.start) startedCalled = true, started!();
        rec.fail("sync throw", task.hostile);
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
      if (task.nested) {
        await runNursery(
          task.nested,
          rec,
          undefined,
          (nested) => nestedOf.set(task, nested),
        );
      }
      if (task.outcome === "fail") rec.fail("task failed", task.hostile);
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

  // A plain function: it returns or throws before startSoon() returns.
  const immediateFn = (task: TaskPlan) => () => {
    rec.started++;
    try {
      if (task.immediate === "throws") {
        rec.fail("immediate throw", task.hostile);
      }
      return "ok";
    } finally {
      rec.finallies++;
    }
  };
  // Each link starts the next before it returns: a synchronous chain.
  const chainLink = (n: Nursery, left: number, fails: boolean) => () => {
    rec.started++;
    try {
      if (left > 1) n.startSoon(chainLink(n, left - 1, fails));
      else if (fails) rec.fail("the end of a chain failed");
      return "ok";
    } finally {
      rec.finallies++;
    }
  };

  const body = async (n: Nursery) => {
    nursery = n;
    onOpen?.(n);
    n.signal.addEventListener("abort", () => liveAtCancel = n.tasks);
    for (const task of plan.children) {
      if (task.chain > 0) {
        n.startSoon(chainLink(n, task.chain, task.chainFails));
      }
      if (task.immediate !== "no") {
        handles.push({ task: n.startSoon(immediateFn(task)), shielded: false });
        continue;
      }
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
            const nested = nestedOf.get(task);
            const live = handle.status === "running" && nested !== undefined &&
              !nested.closed;
            handle.cancel();
            // Every task is its own scope unless its nursery opts out: what
            // it opened without a signal is cancelled with it, at once.
            if (plan.taskScopes && live && !nested.signal.aborted) {
              rec.problems.push(
                "task.cancel() did not reach a nursery its task opened",
              );
            }
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

/** What a callback that outlived its task opens: a short nursery. */
function openLate(rec: Recorder): void {
  const treeGone = rec.rootSettled;
  const late = Nursery.run(async (n) => {
    // A closed scope never passes on a cancellation it had.
    if (treeGone && n.signal.aborted) {
      rec.problems.push("a nursery opened after its tree closed was cancelled");
    }
    await delay(1, { signal: n.signal }).catch(() => {});
    return "late";
  }, { taskScopes: true });
  late.catch(() => {}).finally(() => rec.latePending--);
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
  ).finally(() => rec.rootSettled = true);
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
  // Callbacks that outlived their task fire, and their nurseries end.
  for (let idle = 0; rec.latePending > 0 && idle < 5;) {
    idle = (await time.nextAsync()) ? 0 : idle + 1;
  }
  await time.runMicrotasks();
  assertEquals(rec.latePending, 0, "a late callback's nursery never settled");
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
      invented.map(describe),
      [],
      "errors reported that no task raised",
    );
    assertEquals(lost.map(describe), [], "failures that were lost");
  } else if (!outcome.ok) {
    const reason = outcome.value;
    assert(
      rec.reasons.has(reason) ||
        (plan.nursery.timeout !== undefined && isTimeoutError(reason)),
      `run() rejected with ${describe(reason)} although nothing failed`,
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

/** fast-check's settings: NURSERY_STRESS_RUNS, or `runs`; a seed to replay. */
function settings(runs: number): fc.Parameters<[unknown]> {
  const seed = Deno.env.get("NURSERY_STRESS_SEED");
  const path = Deno.env.get("NURSERY_STRESS_PATH");
  return {
    numRuns: Number(Deno.env.get("NURSERY_STRESS_RUNS") ?? runs),
    ...(seed ? { seed: Number(seed), path } : {}),
  };
}

Deno.test("property: random task trees keep every guarantee", async () => {
  await fc.assert(fc.asyncProperty(rootPlan(false), check), settings(300));
});

Deno.test("property: random task trees with synchronous, hostile, chained, cancelled and outliving tasks keep every guarantee", async () => {
  await fc.assert(fc.asyncProperty(rootPlan(true), check), settings(300));
});

// ---------------------------------------------------------------------------
// The model-free property: no knowledge of the rules, only what must always
// hold, whatever the tasks do.
// ---------------------------------------------------------------------------

type WildTask =
  | { kind: "returns" }
  | { kind: "throws"; value: number | undefined }
  | { kind: "resolves"; after: number }
  | { kind: "rejects"; after: number; value: number | undefined }
  | { kind: "ignoresSignal"; for: number }
  | { kind: "cleanupThrows"; value: number | undefined }
  | { kind: "nested"; nursery: WildNursery }
  | { kind: "chain"; length: number; fails: boolean; value: number | undefined }
  | { kind: "late"; after: number }
  | { kind: "cancelsSibling"; after: number; index: number }
  | { kind: "cancelsNursery"; after: number }
  | { kind: "start"; after: number; fails: boolean };

interface WildSlot {
  task: WildTask;
  shield: boolean;
  shieldTimeout: number | undefined;
}

interface WildNursery {
  tasks: WildSlot[];
  concurrency: number | undefined;
  timeout: number | undefined;
  taskScopes: boolean | undefined;
  strict: boolean;
}

interface WildRoot {
  nursery: WildNursery;
  outerAbortAt: number | undefined;
}

const HOSTILE_COUNT = hostileValues().length;
// An index into hostileValues(), or undefined for a plain Error.
const wildValue = fc.option(fc.nat(HOSTILE_COUNT - 1), {
  freq: 2,
  nil: undefined,
});

function wildTask(depth: number): fc.Arbitrary<WildTask> {
  const leaves: fc.Arbitrary<WildTask>[] = [
    fc.constant({ kind: "returns" as const }),
    fc.record({ kind: fc.constant("throws" as const), value: wildValue }),
    fc.record({ kind: fc.constant("resolves" as const), after: ms }),
    fc.record({
      kind: fc.constant("rejects" as const),
      after: ms,
      value: wildValue,
    }),
    fc.record({ kind: fc.constant("ignoresSignal" as const), for: ms }),
    fc.record({
      kind: fc.constant("cleanupThrows" as const),
      value: wildValue,
    }),
    fc.record({
      kind: fc.constant("chain" as const),
      length: fc.integer({ min: 1, max: 300 }),
      fails: fc.boolean(),
      value: wildValue,
    }),
    fc.record({ kind: fc.constant("late" as const), after: ms }),
    fc.record({
      kind: fc.constant("cancelsSibling" as const),
      after: ms,
      index: fc.nat(20),
    }),
    fc.record({ kind: fc.constant("cancelsNursery" as const), after: ms }),
    fc.record({
      kind: fc.constant("start" as const),
      after: ms,
      fails: fc.boolean(),
    }),
  ];
  if (depth > 0) {
    leaves.push(
      fc.record({
        kind: fc.constant("nested" as const),
        nursery: wildNursery(depth - 1),
      }),
    );
  }
  return fc.oneof(...leaves) as fc.Arbitrary<WildTask>;
}

function wildNursery(depth: number): fc.Arbitrary<WildNursery> {
  return fc.record({
    tasks: fc.array(
      fc.record({
        task: wildTask(depth),
        shield: fc.boolean(),
        shieldTimeout: maybeMs,
      }),
      { maxLength: depth >= 2 ? 12 : 5 },
    ),
    concurrency: fc.option(fc.integer({ min: 1, max: 3 }), {
      freq: 2,
      nil: undefined,
    }),
    timeout: fc.option(fc.integer({ min: 0, max: 60 }), {
      freq: 4,
      nil: undefined,
    }),
    taskScopes: fc.constantFrom(undefined, true, false),
    strict: fc.boolean(),
  }) as fc.Arbitrary<WildNursery>;
}

const wildRoot: fc.Arbitrary<WildRoot> = fc.record({
  nursery: wildNursery(3),
  outerAbortAt: fc.option(ms, { freq: 3, nil: undefined }),
});

/** What a wild run threw and was given, for the checks. */
class Ledger {
  /** Every value task code threw, or passed on from what it awaited. */
  readonly thrown = new Set<unknown>();
  /** The reasons the test itself gave to cancel() and abort(). */
  readonly given = new Set<unknown>();
  started = 0;
  finallies = 0;
  latePending = 0;

  // A fresh value for every throw: one value thrown in two places would be
  // reported in two places, and "none twice" is about the library.
  raise(index: number | undefined): never {
    const value = index === undefined
      ? new Error("failure")
      : hostileValues()[index][1];
    this.thrown.add(value);
    throw value;
  }

  reason(message: string): Error {
    const reason = new Error(message);
    this.given.add(reason);
    return reason;
  }
}

function wildFn(
  task: WildTask,
  n: Nursery,
  handles: Task<unknown>[],
  led: Ledger,
): TaskFunction<unknown> {
  if (task.kind === "returns" || task.kind === "throws") {
    return () => {
      led.started++;
      try {
        if (task.kind === "throws") led.raise(task.value);
        return "ok";
      } finally {
        led.finallies++;
      }
    };
  }
  if (task.kind === "chain") {
    const link = (left: number) => () => {
      led.started++;
      try {
        if (left > 1) n.startSoon(link(left - 1));
        else if (task.fails) led.raise(task.value);
        return "ok";
      } finally {
        led.finallies++;
      }
    };
    return link(task.length);
  }
  return async (ctx: TaskContext) => {
    led.started++;
    try {
      switch (task.kind) {
        case "resolves":
          await delay(task.after, ctx);
          return "ok";
        case "rejects":
          await delay(task.after, ctx);
          return led.raise(task.value);
        case "ignoresSignal":
          await delay(task.for);
          return "ok";
        case "cleanupThrows":
          await delay(30, ctx).catch(() => led.raise(task.value));
          return "ok";
        case "nested":
          return await wildRun(task.nursery, led);
        case "late":
          led.latePending++;
          delay(task.after).then(() => {
            Nursery.run(async (late) => {
              await delay(1, { signal: late.signal }).catch(() => {});
            }).catch(() => {}).finally(() => led.latePending--);
          });
          return "ok";
        case "cancelsSibling":
          await delay(task.after, ctx);
          handles[task.index % Math.max(1, handles.length)]?.cancel(
            led.reason("a sibling cancelled it"),
          );
          return "ok";
        case "cancelsNursery":
          await delay(task.after, ctx);
          n.cancel(led.reason("a task cancelled its nursery"));
          return "ok";
        case "start": {
          await delay(task.after, ctx);
          if (task.fails) led.raise(undefined);
          (ctx as Partial<StartContext<void>>).started?.();
          await delay(task.after, ctx);
          return "ok";
        }
      }
    } catch (error) {
      led.thrown.add(error); // passed on: what it awaited threw it
      throw error;
    } finally {
      led.finallies++;
    }
  };
}

function wildRun(
  plan: WildNursery,
  led: Ledger,
  signal?: AbortSignal,
): Promise<unknown> {
  return Nursery.run((n) => {
    const handles: Task<unknown>[] = [];
    for (const { task, shield: shielded, shieldTimeout } of plan.tasks) {
      let fn = wildFn(task, n, handles, led);
      if (shielded) fn = shield(fn, { timeout: shieldTimeout });
      if (task.kind === "start") {
        n.start(fn as (ctx: StartContext<void>) => unknown).catch(() => {});
      } else handles.push(n.startSoon(fn));
    }
    return "body";
  }, {
    signal,
    concurrency: plan.concurrency,
    timeout: plan.timeout,
    taskScopes: plan.taskScopes,
    strict: plan.strict,
  });
}

function isTimeoutErrorSafely(error: unknown): boolean {
  try {
    return isTimeoutError(error);
  } catch {
    return false;
  }
}

async function checkWild(plan: WildRoot): Promise<void> {
  using time = new FakeTime(0);
  const led = new Ledger();
  const outer = new AbortController();
  const listeners = countListeners(outer.signal);
  using unhandled = countUnhandledRejections();
  let outcome: { ok: boolean; value: unknown } | undefined;
  wildRun(plan.nursery, led, outer.signal).then(
    (value) => outcome = { ok: true, value },
    (value) => outcome = { ok: false, value },
  );
  const abortAt = plan.outerAbortAt;
  const abort = abortAt === undefined ? undefined : setTimeout(
    () => outer.abort(led.reason("outer abort")),
    abortAt,
  );
  for (let idle = 0; outcome === undefined && idle < 5;) {
    idle = (await time.nextAsync()) ? 0 : idle + 1;
  }
  await time.runMicrotasks();
  assert(outcome !== undefined, "run() never settled");
  clearTimeout(abort);
  for (let idle = 0; led.latePending > 0 && idle < 5;) {
    idle = (await time.nextAsync()) ? 0 : idle + 1;
  }
  await time.runMicrotasks();
  assertEquals(led.latePending, 0, "a late callback's nursery never settled");
  if (!outcome.ok) {
    const reported = leaves(outcome.value);
    assertEquals(
      new Set(reported).size,
      reported.length,
      "an error was reported twice",
    );
    const foreign = reported.filter((e) =>
      !led.thrown.has(e) && !led.given.has(e) && !isTimeoutErrorSafely(e)
    );
    assertEquals(foreign.map(describe), [], "reported what no task threw");
  }
  assertEquals(led.finallies, led.started, "a finally block did not run");
  assertEquals(
    listeners.added,
    listeners.removed,
    "a listener was left on the outer signal",
  );
  assert(!time.next(), "a timer outlived the run");
  await time.runMicrotasks();
  assertEquals(unhandled.count, 0, "an unhandled rejection was reported");
}

Deno.test("property (model-free): whatever the tasks do, run() settles, every finally runs, nothing is reported that no task threw or twice, nothing leaks", async () => {
  await fc.assert(fc.asyncProperty(wildRoot, checkWild), settings(300));
});
