// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task demo`: the three rules of a nursery, with timestamps.
 *
 * @module
 */
import { MultiError, Nursery, type TaskContext } from "../mod.ts";

const start = Date.now();
function log(line: string): void {
  console.log(`[${String(Date.now() - start).padStart(4)} ms] ${line}`);
}

/** Sleeps `ms`, or rejects with the signal's reason when cancelled. */
function sleep(ms: number, { signal }: TaskContext): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function worker(ms: number, outcome: "ok" | Error) {
  return async (ctx: TaskContext) => {
    log(`${ctx.name}: started, needs ${ms} ms`);
    try {
      await sleep(ms, ctx);
    } catch (reason) {
      log(`${ctx.name}: cancelled (${(reason as Error).message})`);
      throw reason;
    }
    if (outcome instanceof Error) {
      log(`${ctx.name}: fails with "${outcome.message}"`);
      throw outcome;
    }
    log(`${ctx.name}: done`);
    return ms;
  };
}

console.log("1. The scope joins its children");
const total = await Nursery.run((nursery) => {
  nursery.startSoon(worker(100, "ok"), { name: "fast" });
  nursery.startSoon(worker(200, "ok"), { name: "slow" });
  log("body: returned; the nursery now waits for its children");
  return "both joined";
});
log(`run() resolved: ${total}`);

console.log("\n2. One failure cancels the siblings and is re-raised");
try {
  await Nursery.run((nursery) => {
    nursery.startSoon(worker(1_000, "ok"), { name: "payment-report" });
    nursery.startSoon(worker(1_000, "ok"), { name: "email" });
    nursery.startSoon(worker(150, new Error("card declined")), {
      name: "charge",
    });
  });
} catch (error) {
  log(`run() rejected with: ${(error as Error).message}`);
}

console.log("\n3. Several failures arrive together as one MultiError");
try {
  await Nursery.run((nursery) => {
    nursery.startSoon(worker(100, new Error("db down")), { name: "db" });
    nursery.startSoon(async (ctx) => {
      try {
        await worker(1_000, "ok")(ctx);
      } catch {
        // A failure during cleanup is a real failure: it is kept, not lost.
        log(`${ctx.name}: cleanup fails too`);
        throw new TypeError("could not flush cache");
      }
    }, { name: "cache" });
  });
} catch (error) {
  if (!(error instanceof MultiError)) throw error;
  log(`run() rejected with a MultiError: ${error.message}`);
}
