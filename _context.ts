// Copyright 2026 the @nursery/nursery authors. MIT license.
// The one place that knows how the current cancel node travels with
// asynchronous code: AsyncLocalStorage from node:async_hooks where the
// runtime has it (Deno, Deno Deploy, Bun, Node), and where it does not (a
// browser) a variable that holds for the synchronous part of each call, so
// that `failAfter(ms, () => Nursery.run(body))` still links the nursery to
// the deadline. The TC39 AsyncContext.Variable can replace it here alone.
import { type CancelNode, nodeOfCell, type ScopeCell } from "./_cancel_tree.ts";
import { liveRoots } from "./_roots.ts";
import {
  noticeAsyncHooks,
  ridesOnAsyncHooks,
  warnLostTree,
} from "./_tree_warnings.ts";

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
// Why the tree does not use the storage the runtime has: the program chose
// explicit signals (configureImplicitTree), or a test stands in for a
// runtime without it.
let offBy: "choice" | "test" | undefined;
let storage = loaded;
// Without getBuiltinModule (Deno 2.0, Bun 1.1, workerd with nodejs_als
// only), a dynamic import with a computed specifier, which a bundler leaves
// alone and a browser refuses: the tree is there from the next turn on.
if (loaded === undefined) {
  const id = "node:async_hooks";
  import(id).then((hooks: Hooks) => {
    if (hooks?.AsyncLocalStorage && loaded === undefined) {
      loaded = new hooks.AsyncLocalStorage();
      if (offBy === undefined) storage = loaded;
    }
  }, () => {});
}
// Without AsyncLocalStorage: the node current for the synchronous part of
// the innermost callInNode() on the stack.
let synchronous: ScopeCell | undefined;
// Whether the storage was checked for async hooks: at the first scope that
// uses it, so that a program can choose first, and so that one found by the
// dynamic import is checked too.
let hooksChecked = false;

/** Whether the current node follows asynchronous code (awaits, timers). */
export function followsAsyncCode(): boolean {
  return storage !== undefined;
}

/**
 * Uses the runtime's AsyncLocalStorage for the tree (`true`, the default)
 * or never (`false`), for configureImplicitTree.
 */
export function useAsyncContext(enabled: boolean): void {
  offBy = enabled ? undefined : "choice";
  // Node's async hooks, once a storage turned them on, stay on: the choice
  // is made before the first nursery to avoid them.
  storage = enabled ? loaded : undefined;
}

/**
 * Turns AsyncLocalStorage off or back on, for the tests and benchmarks that
 * stand in for a runtime without it (unlike useAsyncContext(false), the
 * lost-tree warning still applies). Not part of the public API.
 */
export function setScopeTracking(enabled: boolean): void {
  offBy = enabled ? undefined : "test";
  storage = enabled ? loaded : undefined;
}

/**
 * The node a scope opened now hangs from (see currentNode), for the scopes
 * a program links by their parent: nurseries and timeouts. `signal` is
 * the one the scope was given. The one place that can tell a program the
 * tree is not what it thinks (`_tree_warnings.ts`).
 */
export function parentOfNewScope(
  signal: AbortSignal | undefined,
): CancelNode | undefined {
  const node = currentNode();
  if (!hooksChecked && storage !== undefined) {
    hooksChecked = true;
    const process = (globalThis as { process?: object }).process;
    if (ridesOnAsyncHooks(Object.getPrototypeOf(storage), process)) {
      noticeAsyncHooks();
    }
  }
  // Inside a nursery's task, after an await:
  //   nursery.startSoon(async () => { await x; await Nursery.run(...); });
  // no live node is current here, yet a nursery runs.
  if (
    node === undefined && signal === undefined && storage === undefined &&
    offBy !== "choice" && liveRoots.size > 0
  ) warnLostTree();
  return node;
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
