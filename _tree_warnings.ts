// Copyright 2026 the @nursery/nursery authors. MIT license.
// The two things about the implicit tree a process must not learn by
// accident, each said once per process on the console, and silenced by
// configureImplicitTree({ warn: false }):
//
// - the tree is lost: no AsyncLocalStorage reaches the library (a browser),
//   and a scope was opened without a signal while a nursery runs, after an
//   await or in a callback, where only an async context would have linked it
//   to the task it runs in. It is a root: cancelling that task misses it.
// - the tree taxes other code: on Node before 24 (and on 24+ run with
//   --no-async-context-frame) AsyncLocalStorage is built on async hooks,
//   which once used slow every promise of the process.

let warnings = true;
// The warnings given so far, by the function that gives each.
const said = new Set<() => void>();

/** Turns both warnings off (`false`) or back on. */
export function setTreeWarnings(enabled: boolean): void {
  warnings = enabled;
}

/** Forgets that the warnings were given: for the tests of each one alone. */
export function resetTreeWarnings(): void {
  warnings = true;
  said.clear();
}

/** Says, the first time only, that a scope became a root by accident. */
export function warnLostTree(): void {
  sayOnce(
    warnLostTree,
    "@nursery/nursery: a nursery or timeout was opened without a signal " +
      "while another nursery runs, and this runtime has no " +
      "AsyncLocalStorage, so after an await it cannot know the task it runs " +
      "in: it is a root, and cancelling that task will not reach it. Pass " +
      "the task's signal ({ signal }) to link it. Calling " +
      "configureImplicitTree({ warn: false }) silences this; it is said " +
      "once.",
  );
}

// A console.warn replaced by one that throws must not fail the scope that
// is being opened.
function sayOnce(warning: () => void, message: string): void {
  if (!warnings || said.has(warning)) return;
  said.add(warning);
  try {
    console.warn(message);
  } catch {
    // Nowhere left to say it.
  }
}

interface NodeLikeProcess {
  versions?: { node?: string; bun?: string };
}

/**
 * Whether `storagePrototype` is Node's AsyncLocalStorage built on async
 * hooks: that implementation alone has `_propagate` (its hook's callback).
 * Bun copies the method without the hooks, so Bun is ruled out; Deno's has
 * none.
 */
export function ridesOnAsyncHooks(
  storagePrototype: object,
  process: NodeLikeProcess | undefined,
): boolean {
  return process?.versions?.node !== undefined &&
    process.versions.bun === undefined &&
    typeof (storagePrototype as { _propagate?: unknown })._propagate ===
      "function";
}

/** Says, the first time only, that the tree slows every promise here. */
export function noticeAsyncHooks(): void {
  sayOnce(
    noticeAsyncHooks,
    "@nursery/nursery: this Node.js builds AsyncLocalStorage on async " +
      "hooks, which slow every promise of the process once a nursery has " +
      "run. Node 22 with --experimental-async-context-frame, or Node 24 and " +
      "later, avoid it. A program that passes signals explicitly can call " +
      "configureImplicitTree({ asyncContext: false }) before its first " +
      "nursery instead; configureImplicitTree({ warn: false }) keeps the " +
      "tree and silences this. It is said once.",
  );
}
