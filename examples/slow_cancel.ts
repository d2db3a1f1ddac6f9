// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * A cancellation that hangs: a task ignores its signal, so its nursery,
 * cancelled, waits; `slowCancelAfter` ms later it reports the tasks it is
 * still waiting for, with their paths, and keeps waiting.
 *
 * @module
 */
import { Nursery, type SlowCancelReport } from "../mod.ts";
import { work } from "./_work.ts";

/** The report of a nursery cancelled while a task ignores its signal. */
export async function main(): Promise<string> {
  let report: SlowCancelReport | undefined;
  await Nursery.run(function server(nursery) {
    nursery.startSoon(function handler() {
      return Nursery.run(function upload(inner) {
        // Passes no signal: cancellation cannot reach this call.
        inner.startSoon(() => work(60, "stored"), { name: "writeToDisk" });
      });
    });
    nursery.cancel();
  }, {
    slowCancelAfter: 20, // default 5,000 ms
    onSlowCancel: (slow) => report = slow, // default: console.warn(message)
  }).catch(() => {});
  return report!.message.replace(/\d+ ms ago/, "… ms ago");
}

if (import.meta.main) console.log(await main());
