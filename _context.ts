// Copyright 2026 the @nursery/nursery authors. MIT license.
// The one place that knows how the current scope travels with asynchronous
// code: AsyncLocalStorage from node:async_hooks where the runtime has it
// (Deno, Deno Deploy, Bun, Node), nothing where it does not (a browser: there
// scopes link only through explicit signals). The TC39 AsyncContext.Variable
// can replace it here alone.
import type { TaskHandle } from "./_task.ts";

/** A cancel scope that code can be running in: a task, or a timeout helper's call. */
export interface Scope {
  /** Aborted when the scope is cancelled. */
  readonly signal: AbortSignal;
  /** The innermost task around this scope (itself, for a task). */
  readonly task: TaskHandle<unknown> | undefined;
}

interface ScopeStorage {
  getStore(): Scope | undefined;
  run<A, R>(scope: Scope, fn: (argument: A) => R, argument: A): R;
}

function loadStorage(): ScopeStorage | undefined {
  try {
    // process.getBuiltinModule (Deno 2, Node >= 20.16, Bun) loads it without a
    // static "node:" import, which would make the module fail in a browser.
    const process = (globalThis as {
      process?: { getBuiltinModule?: (id: string) => unknown };
    }).process;
    const hooks = process?.getBuiltinModule?.("node:async_hooks") as
      | { AsyncLocalStorage?: new () => ScopeStorage }
      | undefined;
    return hooks?.AsyncLocalStorage ? new hooks.AsyncLocalStorage() : undefined;
  } catch {
    return undefined;
  }
}

const loaded = loadStorage();
let storage = loaded;

/**
 * Turns implicit scopes off or back on, for the benchmark that measures what
 * they cost (bench/tracking_bench.ts). Not part of the public API.
 */
export function setScopeTracking(enabled: boolean): void {
  storage = enabled ? loaded : undefined;
}

/** The innermost scope of the code running now, if any. */
export function currentScope(): Scope | undefined {
  return storage?.getStore();
}

/**
 * Calls `fn(argument)` with `scope` current. Promise continuations created
 * while `fn` runs capture the scope, so it stays current across the
 * function's awaits. This is the implicit tree's whole cost: about 0.7 µs per
 * call in Deno here (`run` measured cheaper than `enterWith` plus a restore),
 * which is why a nursery can opt out per task (`taskScopes: false`).
 */
export function callInScope<A, R>(
  scope: Scope,
  fn: (argument: A) => R,
  argument: A,
): R {
  return storage === undefined
    ? fn(argument)
    : storage.run(scope, fn, argument);
}
