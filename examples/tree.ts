// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Tasks form a tree without signals passed by hand: a nursery opened in a
 * task, and `currentSignal()` deep in a call chain, belong to it.
 *
 * @module
 */
import { currentSignal, Nursery } from "../mod.ts";
import { work } from "./_work.ts";

/** Deep library code that honours cancellation without being passed a signal. */
function loadProfile(id: number): Promise<string> {
  return work(5_000, `profile ${id}`, { signal: currentSignal() });
}

/**
 * Builds a small tree, prints it, cancels one request (which reaches what it
 * opened without a signal), then shuts the server down from the root.
 */
export async function main(): Promise<unknown> {
  let tree = "";
  let request = "";
  const outcome = await Nursery.run(async function server(n) {
    const handle = n.startSoon(function handleRequest() {
      // No signal passed: this nursery is a child of the request task.
      return Nursery.run(function fanOut(inner) {
        inner.startSoon(() => loadProfile(1), { name: "profile-1" });
        inner.startSoon(() => loadProfile(2), { name: "profile-2" });
      });
    });
    n.startSoon((ctx) => work(5_000, null, ctx), { name: "ticker" });
    await work(10, null);
    tree = n.tree().replace(/\d+ms/g, "…ms");
    handle.cancel(); // reaches the profiles two levels down; ticker goes on
    await handle.catch(() => {});
    request = handle.status;
    n.cancel(); // and the rest, from the root
    return "shut down";
  });
  return { tree, request, outcome };
}

if (import.meta.main) console.log(await main());
