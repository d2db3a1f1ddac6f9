// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * What scopes opened in the library's first turn get, and those opened one
 * turn later (`implicit_tree_test.ts` runs it): prints one JSON line.
 *
 * @module
 */
import "./without_get_builtin_module.ts";
import { implicitTreeMode, Nursery } from "../../mod.ts";

/**
 * Whether a nursery opened without a signal after an await, inside a task,
 * is cancelled with that task's nursery: linked through the async context.
 */
async function linkedAfterAwait(): Promise<boolean> {
  let linked = false;
  await Nursery.run(async (outer) => {
    await outer.startSoon(async () => {
      await Promise.resolve();
      await Nursery.run((inner) => {
        outer.cancel();
        linked = inner.signal.aborted;
      }).catch(() => {});
    });
  }).catch(() => {});
  return linked;
}

const firstMode = implicitTreeMode();
const firstLinked = linkedAfterAwait();
await new Promise((resolve) => setTimeout(resolve, 0));
console.log(JSON.stringify({
  first: { mode: firstMode, linked: await firstLinked },
  later: { mode: implicitTreeMode(), linked: await linkedAfterAwait() },
}));
