// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * A hang nobody cancelled: a task waits for a reply that takes forever, and
 * no deadline fires, so no slow-cancel report either. `dumpTasks()` wired
 * to SIGUSR2 shows what the process is doing (`kill -USR2 <pid>`). Not
 * SIGUSR1: Node reserves it for its debugger, and Deno 2.9 opens an
 * inspector on 127.0.0.1:9229 when it arrives once `node:async_hooks` is
 * loaded, which this library does.
 * `examples/dump_on_signal_test.ts` runs it and sends the signal.
 *
 * @module
 */
import { dumpTasks, main } from "../mod.ts";
import { work } from "./_work.ts";

/** A reply from a peer that went quiet: an hour, and no signal to stop it. */
function slowReply(): Promise<string> {
  return work(60 * 60 * 1_000, "reply");
}

if (import.meta.main) {
  const dump = () => console.error(dumpTasks());
  if (globalThis.Deno) Deno.addSignalListener("SIGUSR2", dump);
  else process.on("SIGUSR2", dump); // Node, Bun

  await main(function worker(nursery) {
    nursery.startSoon(async function awaitReply() {
      await slowReply(); // hangs: no signal, no timeout
    });
    nursery.startSoon(async function heartbeat({ signal }) {
      for (;;) await work(1_000, null, { signal });
    });
    console.log(`ready: kill -USR2 ${globalThis.Deno?.pid ?? process.pid}`);
  });
}
