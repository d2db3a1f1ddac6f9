// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Hands the registered tests to `bun:test`. Bun stops a test after 5 s by
 * default; Deno does not, and the property test takes longer, so the limit
 * here is generous.
 *
 * @module
 */
import { detectLacks } from "./lacks.ts";
import { useRunner } from "./registry.ts";
import { announce } from "./announce.ts";

interface BunTest {
  (name: string, fn: () => Promise<void>, timeoutMs: number): void;
  skip(name: string, fn: () => Promise<void>): void;
}

// A computed specifier, so that Deno's type-check does not try to resolve it.
const BUN_TEST = "bun:test";
const { test } = await import(BUN_TEST) as { test: BunTest };
const TIMEOUT_MS = 300_000;

const lacks = await detectLacks();
announce(lacks);
useRunner((planned) => {
  if (planned.skip) test.skip(planned.name, planned.run);
  else test(planned.name, planned.run, TIMEOUT_MS);
}, lacks);
