// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Hands the registered tests to `bun:test`, with the shim's time limit
 * (Bun's default, 5 s, is shorter than the slowest test).
 *
 * @module
 */
import { detectLacks } from "./lacks.ts";
import { TEST_TIMEOUT_MS, useRunner } from "./registry.ts";
import { announce } from "./announce.ts";

interface BunTest {
  (name: string, fn: () => Promise<void>, timeoutMs: number): void;
  skip(name: string, fn: () => Promise<void>): void;
}

// A computed specifier, so that Deno's type-check does not try to resolve it.
const BUN_TEST = "bun:test";
const { test } = await import(BUN_TEST) as { test: BunTest };

const lacks = await detectLacks();
announce(lacks);
useRunner((planned) => {
  if (planned.skip) test.skip(planned.name, planned.run);
  else test(planned.name, planned.run, TEST_TIMEOUT_MS);
}, lacks);
