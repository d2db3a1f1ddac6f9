// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode instrument}: hooks into every nursery's life, for tracing and
 * metrics.
 *
 * @module
 */
import { register } from "./_instruments.ts";
import { checkOptions } from "./_validate.ts";
import type { Instrument } from "./types.ts";

/**
 * What {@linkcode instrument} returns: `remove()` unregisters the hooks;
 * `using` does it at the end of the block.
 *
 * @example Removing an instrument
 * ```ts
 * import { instrument, Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * let opened = 0;
 * const registration = instrument({ nurseryOpened: () => opened++ });
 * await Nursery.run(() => {});
 * registration.remove();
 * await Nursery.run(() => {});
 * assertEquals(opened, 1);
 * ```
 */
export interface InstrumentRegistration extends Disposable {
  /** Unregisters the hooks; a second call does nothing. */
  remove(): void;
}

/**
 * Registers `hooks`, called for every nursery and task in the process from
 * now on: `nurseryOpened`, `taskSpawned`, `taskStarted`, `taskSettled`,
 * `nurseryCancelled` and `nurseryClosed`. Each sees the tree: a task's
 * `parent` is its nursery, a nursery's `parent` the task it was opened in.
 * A hook that throws is reported with `console.error` and never affects a
 * task. With no instrument registered, nurseries pay nothing for this.
 *
 * @param hooks An object with any of the hooks.
 * @returns The registration, to remove the hooks (or `using` it).
 * @throws {TypeError} If `hooks` is not an object.
 *
 * @example Logging a nursery's life
 * ```ts
 * import { instrument, Nursery } from "@nursery/nursery";
 * import { assertEquals } from "@std/assert";
 *
 * const log: string[] = [];
 * {
 *   using _registration = instrument({
 *     nurseryOpened: (nursery) => log.push(`open ${nursery.name}`),
 *     taskStarted: (task) => log.push(`start ${task.name}`),
 *     taskSettled: (task) => log.push(`${task.status} ${task.name}`),
 *     nurseryClosed: (nursery) => log.push(`close ${nursery.name}`),
 *   });
 *   await Nursery.run(function job(nursery) {
 *     nursery.startSoon(function step() {});
 *   });
 * }
 * assertEquals(log, [
 *   "open job",
 *   "start step",
 *   "fulfilled step",
 *   "close job",
 * ]);
 * ```
 */
export function instrument(hooks: Instrument): InstrumentRegistration {
  if (hooks === undefined) {
    throw new TypeError(
      "Cannot register instrument as 'hooks' must be an object: received undefined",
    );
  }
  checkOptions(hooks, "register instrument", "hooks");
  const remove = register(hooks);
  const registration = { remove } as InstrumentRegistration;
  // Runtimes without explicit resource management still get remove().
  if (typeof Symbol.dispose === "symbol") registration[Symbol.dispose] = remove;
  return registration;
}
