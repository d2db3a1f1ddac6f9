// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Finds out what this runtime lacks, by asking the installed package itself
 * rather than guessing from the runtime's name: the implicit tree is there
 * when a nursery opened without a signal, after an `await` inside a task, is
 * cancelled with that task's nursery (what the skipped tests rely on).
 *
 * @module
 */
import { Nursery } from "@nursery/nursery";
import type { Lack } from "../skips.ts";

// Without the tree nobody cancels the inner task: it gives up after this.
const GIVE_UP_MS = 200;

/** What this runtime lacks, of what some tests need. */
export async function detectLacks(): Promise<Lack[]> {
  let linked = false;
  let opened: () => void = () => {};
  const innerOpened = new Promise<void>((resolve) => opened = resolve);
  await Nursery.run((outer) => {
    outer.startSoon(async () => {
      await Promise.resolve();
      await Nursery.run((inner) => {
        inner.startSoon(({ signal }) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, GIVE_UP_MS);
            signal.addEventListener("abort", () => {
              linked = true;
              clearTimeout(timer);
              resolve();
            }, { once: true });
            opened();
          })
        );
      }).catch(() => {});
    });
    outer.startSoon(async () => {
      await innerOpened;
      outer.cancel();
    });
  }).catch(() => {});
  return linked ? [] : ["implicit tree"];
}
