// Copyright 2026 the @nursery/nursery authors. MIT license.
// The root nurseries alive in the process, by their body's node, for
// dumpTasks(): those opened outside any scope, and those whose enclosing
// scopes all closed before them (a nursery started and not awaited). A
// nursery leaves when it closes, so a closed one is never kept alive here.
import type { CancelNode } from "./_cancel_tree.ts";

/** Root nurseries' bodies, in the order they became roots. */
export const liveRoots: Set<CancelNode> = new Set();
