// Copyright 2026 the @nursery/nursery authors. MIT license.
// One suite for two runners: bun:test under Bun, node:test under Node.
const runner = globalThis.Bun
  ? await import("bun:test")
  : await import("node:test");

/** Registers a test with whichever runner is running this file. */
export const test = runner.test;
