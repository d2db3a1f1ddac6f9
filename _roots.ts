// Copyright 2026 the @nursery/nursery authors. MIT license.
// The root nurseries alive in the process, by their body's node, for
// dumpTasks(). A nursery leaves when it closes, so a closed one is never
// kept alive from here.
import type { TaskHandle } from "./_task.ts";

/** Root nurseries' bodies, in the order they opened. */
export const liveRoots: Set<TaskHandle<unknown>> = new Set();
