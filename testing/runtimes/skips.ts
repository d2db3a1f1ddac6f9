// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The tests a runtime skips because it lacks something they need, by name:
 * explicit, so that every skip is counted, says why, and is seen in review.
 * (Tests that need a Deno API are found by `deno_api_scan.ts`; files marked
 * `// @std-online-only` are skipped whole, as in the offline Deno run.)
 *
 * @module
 */

/** What a runtime can lack. */
export type Lack = "implicit tree";

/** The runtimes that run the bundles, as a skip can name them. */
export type BundleRuntime = "node" | "bun" | "chromium" | "firefox" | "workerd";

/** One skipped test: where the runtime lacks something, or on one runtime. */
export type Skip =
  & {
    /** The test file, from the repository root. */
    file: string;
    /** The test's name, as given to `Deno.test`. */
    test: string;
  }
  & (
    | { lack: Lack }
    | { runtime: BundleRuntime; reason: string }
  );

/** Why a test is skipped where the runtime lacks `lack`. */
export const LACK_REASONS: Record<Lack, string> = {
  "implicit tree":
    "needs the implicit tree: no AsyncLocalStorage reaches the library here",
};

/**
 * The skipped tests. Those that lack the implicit tree rely on a scope opened
 * without a signal being linked to the scope it runs in, which needs an async
 * context (AsyncLocalStorage): found by running the suite on Node 24 with
 * `process.getBuiltinModule` removed and the package's dynamic import of
 * `node:async_hooks` refused (a module hook), and in Chromium, where these
 * failed and nothing else did but the tests they left running (dumpTasks()
 * lists every live root); they run wherever the tree is there.
 */
export const SKIPS: readonly Skip[] = [
  {
    lack: "implicit tree",
    file: "implicit_tree_test.ts",
    test: "no warning where AsyncLocalStorage links the scope",
  },
  {
    lack: "implicit tree",
    file: "implicit_tree_test.ts",
    test:
      "configureImplicitTree({ asyncContext: false }): scopes link only synchronously, without a warning, until turned back on",
  },
  {
    lack: "implicit tree",
    file: "review_test.ts",
    test:
      "awaiting a handle from its own scope is refused, and from elsewhere works, in both modes",
  },
  {
    lack: "implicit tree",
    file: "reliability_test.ts",
    test:
      "10,000 nested nurseries complete, and cancel from the root, without a stack overflow",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test:
      "a three-level tree with no explicit signals is cancelled from the root, one reason at every level",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test:
      "taskScopes: true: cancelling one task reaches the nurseries opened inside it",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test:
      "an explicit signal and the implicit parent are combined: either one cancels",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test:
      "currentSignal() with taskScopes: true is the task's signal, the deadline's in failAfter, undefined outside",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test:
      "taskScopes is inherited by nested nurseries, and a child started from outside shares the body's scope",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test:
      "Nursery.current() is the nursery whose task is running; parents link tasks and nurseries",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test:
      "nested deadlines without signals: the inner one never extends the outer one",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test: "a timeout cancels a nursery opened inside it without a signal",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test:
      "an explicit signal and the implicit scope both already aborted: the body runs cancelled, once",
  },
  {
    lack: "implicit tree",
    file: "tree_test.ts",
    test: "tree() renders the live tree of a known nursery exactly",
  },
  {
    lack: "implicit tree",
    file: "tree_test.ts",
    test:
      "a slow cancellation is reported once, naming the deepest stuck task and its path",
  },
  {
    lack: "implicit tree",
    file: "tree_test.ts",
    test:
      "a nursery cancelled in the millisecond its ancestor's default report went out, after it, is still reported",
  },
  {
    lack: "implicit tree",
    file: "tree_test.ts",
    test:
      "once an ancestor's report named a waiting chain, a nursery cancelled later under it is reported at its own time",
  },
  {
    lack: "implicit tree",
    file: "cancel_tree_test.ts",
    test:
      "currentSignal() inside a task is that task's signal, across awaits, timers and event callbacks it registered",
  },
  {
    lack: "implicit tree",
    file: "cancel_tree_test.ts",
    test:
      "currentSignal() inside failAfter()'s fn in a task is the deadline's signal, the one fn receives",
  },
  {
    lack: "implicit tree",
    file: "cancel_tree_test.ts",
    test:
      "currentSignal() in a shielded task is the shield's signal, the task's own, and stays live when the nursery is cancelled",
  },
  {
    lack: "implicit tree",
    file: "cancel_tree_test.ts",
    test:
      "Nursery.current() inside a task is the task's nursery, after awaits, in timers, and in nested nurseries",
  },
  {
    lack: "implicit tree",
    file: "cancel_tree_test.ts",
    test:
      "taskScopes defaults to true and is inherited: each child's code, nested ones too, is in its own scope",
  },
  {
    lack: "implicit tree",
    file: "cancel_tree_test.ts",
    test:
      "taskScopes: false opts a nursery and its descendants out: children share the body's scope",
  },
  {
    lack: "implicit tree",
    file: "cancel_tree_test.ts",
    test:
      "code that outlives its task opens nurseries linked to the nearest open ancestor, never cancelled by the closed task",
  },
  {
    lack: "implicit tree",
    file: "cancel_tree_test.ts",
    test:
      "cancel() aborts every signal of a 10,000-level tree before it returns, each parent before its children",
  },
  {
    lack: "implicit tree",
    file: "guarantees_test.ts",
    test:
      "tree() renders a tree 10,000 levels deep and one 100,000 wide without overflow, well under a second",
  },
  {
    lack: "implicit tree",
    file: "guarantees_test.ts",
    test:
      "the slow-cancel report of a tree 10,000 levels deep and one 100,000 wide is made without overflow, well under a second",
  },
  {
    lack: "implicit tree",
    file: "property_test.ts",
    test: "property: random task trees keep every guarantee",
  },
  {
    lack: "implicit tree",
    file: "property_test.ts",
    test:
      "property: random task trees with synchronous, hostile, chained, cancelled and outliving tasks keep every guarantee",
  },
  {
    lack: "implicit tree",
    file: "review_test.ts",
    test:
      "a task that resolves with its own handle fails with a TypeError instead of hanging the nursery",
  },
  {
    lack: "implicit tree",
    file: "scope_test.ts",
    test: "nursery cancellation reaches what a child opened without a signal",
  },
  {
    runtime: "chromium",
    file: "cancel_tree_test.ts",
    test:
      "where no async context exists, the current scope still holds for the synchronous part of each call",
    reason:
      "chromium: the test starts a Web Worker from the repository's testing/no_async_context_worker.ts, which the page's server does not serve and a browser cannot run as TypeScript",
  },
  {
    runtime: "firefox",
    file: "cancel_tree_test.ts",
    test:
      "where no async context exists, the current scope still holds for the synchronous part of each call",
    reason:
      "firefox: the test starts a Web Worker from the repository's testing/no_async_context_worker.ts, which the page's server does not serve and a browser cannot run as TypeScript",
  },
  {
    runtime: "node",
    file: "cancel_tree_test.ts",
    test:
      "currentSignal() inside a task is that task's signal, across awaits, timers and event callbacks it registered",
    reason:
      "node: a MessagePort's onmessage runs in the dispatcher's context, not the one that registered it",
  },
  {
    runtime: "node",
    file: "cancel_tree_test.ts",
    test:
      "where no async context exists, the current scope still holds for the synchronous part of each call",
    reason:
      "node: the test runs its no-context runtime in a Web Worker, which node has no global for",
  },
  {
    runtime: "bun",
    file: "cancel_tree_test.ts",
    test:
      "currentSignal() inside a task is that task's signal, across awaits, timers and event callbacks it registered",
    reason:
      "bun: a MessagePort's onmessage runs in the dispatcher's context, not the one that registered it",
  },
  {
    runtime: "bun",
    file: "cancel_tree_test.ts",
    test:
      "where no async context exists, the current scope still holds for the synchronous part of each call",
    reason:
      "bun: the test runs its no-context runtime in a Web Worker, which bun has no global for",
  },
  {
    runtime: "workerd",
    file: "cancel_tree_test.ts",
    test:
      "currentSignal() inside a task is that task's signal, across awaits, timers and event callbacks it registered",
    reason:
      "workerd: a MessagePort's onmessage runs in the dispatcher's context, not the one that registered it",
  },
  {
    runtime: "workerd",
    file: "cancel_tree_test.ts",
    test:
      "where no async context exists, the current scope still holds for the synchronous part of each call",
    reason:
      "workerd: the test runs its no-context runtime in a Web Worker, which workerd has no global for",
  },
  {
    runtime: "workerd",
    file: "review_test.ts",
    test:
      "Nursery.run: a failure at the bottom of 10,000 nested nurseries propagates in linear time",
    reason:
      "workerd: the test's bodies each wait on delay(0), 10,000 timeouts live at once, which is workerd's per-request quota: the slow-cancel timers the failure arms exceed it (QuotaExceededError)",
  },
];
