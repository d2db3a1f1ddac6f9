// Copyright 2026 the @nursery/nursery authors. MIT license.
// The one place that knows how the current cancel node travels with
// asynchronous code: AsyncLocalStorage from node:async_hooks where the
// runtime has it (Deno, Deno Deploy, Bun, Node), and where it does not (a
// browser) a variable that holds for the synchronous part of each call, so
// that `failAfter(ms, () => Nursery.run(body))` still links the nursery to
// the deadline. The TC39 AsyncContext.Variable can replace it here alone.
import { type CancelNode, nodeOfCell, type ScopeCell } from "./_cancel_tree.ts";

interface NodeStorage {
  getStore(): ScopeCell | undefined;
  run<A, R>(
    store: ScopeCell | undefined,
    fn: (argument: A) => R,
    argument: A,
  ): R;
}

type Hooks = { AsyncLocalStorage?: new () => NodeStorage } | undefined;

function loadStorage(): NodeStorage | undefined {
  try {
    // process.getBuiltinModule (Deno 2.1+, Node >= 20.16, Bun 1.2+) loads it
    // without a static "node:" import, which would make the module fail to
    // load in a browser.
    const process = (globalThis as {
      process?: { getBuiltinModule?: (id: string) => unknown };
    }).process;
    const hooks = process?.getBuiltinModule?.("node:async_hooks") as Hooks;
    return hooks?.AsyncLocalStorage ? new hooks.AsyncLocalStorage() : undefined;
  } catch {
    return undefined;
  }
}

let loaded = loadStorage();
let storage = loaded;
// Without getBuiltinModule (Deno 2.0, Bun 1.1, workerd with nodejs_als
// only), a dynamic import with a computed specifier, which a bundler leaves
// alone and a browser refuses: the tree is there from the next turn on.
if (loaded === undefined) {
  const id = "node:async_hooks";
  import(id).then((hooks: Hooks) => {
    if (hooks?.AsyncLocalStorage && loaded === undefined) {
      storage = loaded = new hooks.AsyncLocalStorage();
    }
  }, () => {});
}
// Without AsyncLocalStorage: the node current for the synchronous part of
// the innermost callInNode() on the stack.
let synchronous: ScopeCell | undefined;
/** Whether the current node follows asynchronous code (awaits, timers). */
export function followsAsyncCode(): boolean {
  return storage !== undefined;
}

/**
 * Turns AsyncLocalStorage off or back on, for the tests and benchmarks that
 * measure the synchronous fallback. Not part of the public API.
 */
export function setScopeTracking(enabled: boolean): void {
  storage = enabled ? loaded : undefined;
}

/**
 * The innermost open node of the code running now, if any: a closed node
 * (the scope of a callback that outlived its task) gives its nearest open
 * ancestor.
 */
export function currentNode(): CancelNode | undefined {
  return nodeOfCell(storage === undefined ? synchronous : storage.getStore());
}

/**
 * Calls `fn(argument)` with `node` current (`undefined`: no node, a root).
 * Promise continuations created while `fn` runs capture the node, so it
 * stays current across the function's awaits. This one call is the implicit
 * tree's whole cost per scope.
 */
export function callInNode<A, R>(
  node: CancelNode | undefined,
  fn: (argument: A) => R,
  argument: A,
): R {
  const cell = node?.cell;
  if (storage !== undefined) return storage.run(cell, fn, argument);
  const outer = synchronous;
  synchronous = cell;
  try {
    return fn(argument);
  } finally {
    synchronous = outer;
  }
}
