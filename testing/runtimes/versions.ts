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
  esbuild: "0.28.2",
  puppeteerCore: "25.16.0",
  workerd: "1.20261117.1",
} as const;

/** The `engines` field of the built package.json. */
export const ENGINES: Record<string, string> = {
  node: ">=22",
  deno: ">=2.0",
  bun: ">=1.1",
};
