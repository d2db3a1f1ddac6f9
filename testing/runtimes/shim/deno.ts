// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The `Deno` that test files see on other runtimes: `Deno.test` (to the
 * registry) and `Deno.env.get` (to `process.env`, where there is one). Any
 * other member throws, naming itself: a test that reaches one was missed by
 * the scan that skips such tests, and fails loudly instead of silently.
 *
 * The bundler gives each repository file its own `Deno` binding
 * (`const Deno = denoFor({...})`), so nothing global changes and npm packages
 * that look for `globalThis.Deno` still see the real runtime.
 *
 * @module
 */
import { type FileFacts, registerTest } from "./registry.ts";

const env = {
  get(name: string): string | undefined {
    const process = (globalThis as {
      process?: { env?: Record<string, string | undefined> };
    }).process;
    return process?.env?.[name];
  },
};

/** The `Deno` namespace for the file that `facts` describes. */
export function denoFor(facts: FileFacts): unknown {
  const members: Record<string, unknown> = {
    test: (...args: [unknown, unknown?, unknown?]) => registerTest(facts, args),
    env,
  };
  return new Proxy(members, {
    get(target, key) {
      if (typeof key === "symbol") return undefined;
      if (key in target) return target[key];
      throw new Error(
        `Deno.${
          String(key)
        } is not available on this runtime (${facts.file}); ` +
          "testing/runtimes/deno_api_scan.ts should have skipped the test",
      );
    },
  });
}
