// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The diagnosis behind bench/gc.ts: warms spawn-and-join up, then runs a full
 * GC while no nursery is alive and times the next iterations. With `--pin`,
 * one finished nursery, one of its task handles and one task context (whose
 * signal was read) stay referenced across the GC. If the deopts after the GC
 * disappear with `--pin`, what V8 embedded and then cleared was the hidden
 * classes (maps) of those objects: only live instances and the constructor's
 * weak transition tree hold them, so a full GC with no instance alive frees
 * them, and optimised code that embedded them is thrown away.
 *
 * ```sh
 * deno run --allow-read --allow-env \
 *   --v8-flags=--expose-gc,--trace-deopt-verbose,--trace-gc \
 *   bench/_gc_trace.ts [true|false|floor|ufloor] [--pin] | grep -E "weak|testing"
 * ```
 *
 * @module
 */
import { Nursery, type TaskContext } from "../mod.ts";
import * as f from "./_scope_fixtures.ts";

const gc = (globalThis as { gc?: () => void }).gc!;
const mode = Deno.args[0] ?? "true";
// --pin pins everything; --pin=a,b pins some of: nursery, handle, context
// (it holds its handle), controller (a plain AbortController and its signal).
const pinArg = Deno.args.find((a) => a.startsWith("--pin"));
const pins = pinArg === undefined
  ? []
  : pinArg === "--pin"
  ? ["nursery", "handle", "context", "controller"]
  : pinArg.slice("--pin=".length).split(",");
const pin = pins.length > 0;
const n = 10_000;
const run = mode === "floor"
  ? () => f.trackedFloorSpawnJoin(n)
  : mode === "ufloor"
  ? () => f.floorSpawnJoin(n)
  : () => f.nurserySpawnJoin(n, mode === "true");
for (let i = 0; i < 60; i++) await run();

// Kept alive across the GC with --pin: one of each object a nursery makes.
const pinned: unknown[] = [];
if (pin) {
  let context: TaskContext | undefined;
  await Nursery.run((nursery) => {
    if (pins.includes("nursery")) pinned.push(nursery);
    // Its signal is never read: the handle pins no AbortController.
    const handle = nursery.startSoon((ctx) => {
      context = ctx;
    });
    if (pins.includes("handle")) pinned.push(handle);
  }, { taskScopes: mode === "true" });
  if (pins.includes("context")) pinned.push(context);
  if (pins.includes("controller")) {
    const controller = new AbortController();
    pinned.push(controller, controller.signal);
  }
}

const perChild = async () => {
  const start = performance.now();
  await run();
  return Math.round((performance.now() - start) * 1e6 / n);
};
console.error(
  `${mode}${pin ? " --pin" : ""}: steady ns/child`,
  await perChild(),
);
gc();
const after = [];
for (let k = 0; k < 4; k++) after.push(await perChild());
console.error(`  after gc(): ${after.join(", ")} (${pinned.length} pinned)`);
