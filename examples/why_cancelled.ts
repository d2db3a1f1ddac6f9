// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Why was I cancelled? A task's `signal.reason` is a `Cancelled` that says,
 * as data and in one line, where the cancellation started and why; a
 * timeout names its helper, its scope and its duration.
 *
 * @module
 */
import { Cancelled, failAfter, Nursery } from "../mod.ts";
import { work } from "./_work.ts";

/** What a cancelled task and a timed-out crawl can tell. */
export async function main(): Promise<unknown> {
  let reason: unknown;
  await Nursery.run(function server(nursery) {
    nursery.startSoon(function request17() {
      return Nursery.run(function fanOut(inner) {
        inner.startSoon(async ({ signal }) => {
          try {
            await work(5_000, "profile", { signal });
          } catch (error) {
            reason = signal.reason; // the same as `error` here
            throw error;
          }
        }, { name: "profile" });
        inner.startSoon(() => {
          throw new Error("db down");
        }, { name: "orders" });
      });
    });
  }).catch(() => {});
  const cancelled = reason as Cancelled;

  const timedOut = await Nursery.run(function crawl(nursery) {
    nursery.startSoon(() => failAfter(10, (ctx) => work(5_000, "page", ctx)));
  }).catch((error: DOMException) => `${error.name}: ${error.message}`);

  return {
    isCancelled: cancelled instanceof Cancelled,
    origin: cancelled.origin,
    path: cancelled.path,
    failedTask: cancelled.failedTask,
    cause: (cancelled.cause as Error).message,
    message: cancelled.message,
    timedOut,
  };
}

if (import.meta.main) console.log(await main());
