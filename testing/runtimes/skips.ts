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
 * context (AsyncLocalStorage): found by running the suite on Bun 1.1.45 and
 * on Node with `process.getBuiltinModule` removed, where these and only these
 * failed; they run wherever the tree is there.
 */
export const SKIPS: readonly Skip[] = [
  {
    lack: "implicit tree",
    file: "examples/examples_test.ts",
    test: "example tree: the live tree, cancelled from the root",
  },
  {
    lack: "implicit tree",
    file: "examples/examples_test.ts",
    test: "example multi_error_split: the timeout handled, nothing else failed",
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
      "by default a child's code is in its nursery's scope: nursery cancellation reaches what it opens",
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
      "a nursery inside a timeout scope holds one listener on it and removes it",
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
      "by default the report still names the deepest stuck task, by the scope it runs in",
  },
  {
    runtime: "workerd",
    file: "reliability_test.ts",
    test:
      "10,000 nested nurseries complete, and cancel from the root, without a stack overflow",
    reason:
      "workerd: the root's cancellation does not reach the deepest of 10,000 nested nurseries (3,000 deep it does); reported, not yet understood",
  },
  {
    runtime: "firefox",
    file: "concurrency_test.ts",
    test:
      "concurrency: 1,000 queued tasks never exceed the limit, and run in FIFO order",
    reason:
      "firefox: stalls past the time limit with the CPU idle (1.6 s in Chromium; 200 chained real timers take 0.85 s in the same page): timer throttling under puppeteer, not yet understood",
  },
  {
    runtime: "firefox",
    file: "reliability_test.ts",
    test:
      "100,000 children, half failing: one MultiError with exactly the 50,000 failures",
    reason:
      "firefox: an Error's stack holds only frames, so MultiError's combined stack lacks each child's 'Error: message' line (multi_error.ts combineStacks); remove once it adds the line",
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
];
