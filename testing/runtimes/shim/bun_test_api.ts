// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Stands for `bun:test`, which Deno's type-check cannot resolve: the bundler
 * replaces every import of this file with an import of `bun:test` (a dynamic
 * `import("bun:test")` finds no `test` on Bun 1.1), so this body never runs.
 *
 * @module
 */

/** The part of `bun:test`'s `test` the shim uses. */
export interface BunTest {
  (name: string, fn: () => Promise<void>, timeoutMs: number): void;
  skip(name: string, fn: () => Promise<void>): void;
}

/** Bun's `test`, once bundled. */
export const test: BunTest = (() => {
  throw new Error("bun_test_api.ts must be bundled as bun:test");
}) as unknown as BunTest;
