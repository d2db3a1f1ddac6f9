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

/** One skipped test. */
export interface Skip {
  /** Skipped where the runtime lacks this. */
  lack: Lack;
  /** The test file, from the repository root. */
  file: string;
  /** The test's name, as given to `Deno.test`. */
  test: string;
}

/** Why a test is skipped where the runtime lacks `lack`. */
export const LACK_REASONS: Record<Lack, string> = {
  "implicit tree":
    "needs the implicit tree: no AsyncLocalStorage reaches the library here",
};

/**
 * Tests that rely on a scope opened without a signal being linked to the
 * task it runs in, which needs an async context (AsyncLocalStorage).
 */
export const SKIPS: readonly Skip[] = [];
