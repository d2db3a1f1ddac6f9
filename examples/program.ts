// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * A program as one nursery: `main()` runs it until its work is done, or
 * until Ctrl-C (or SIGTERM) cancels every task; each cleans up, and the
 * program exits with 130 (143). A second Ctrl-C prints the tasks still
 * running and exits at once. `examples/program_test.ts` runs it and sends
 * it real signals.
 *
 * @module
 */
import { main, type TaskContext } from "../mod.ts";
import { work } from "./_work.ts";

/** Answers requests until it is cancelled, then closes its listener. */
async function serveRequests({ signal }: TaskContext): Promise<void> {
  try {
    for (;;) await work(1_000, "request", { signal });
  } finally {
    console.log("serveRequests: listener closed");
  }
}

/** Flushes metrics every second; flushes once more on the way out. */
async function flushMetrics({ signal }: TaskContext): Promise<void> {
  try {
    for (;;) await work(1_000, "flush", { signal });
  } finally {
    console.log("flushMetrics: final flush");
  }
}

if (import.meta.main) {
  await main((nursery) => {
    nursery.startSoon(serveRequests);
    nursery.startSoon(flushMetrics);
    console.log("ready: press Ctrl-C to stop");
  }, { name: "server" });
}
