// Copyright 2026 the @nursery/nursery authors. MIT license.
// The registry behind `instrument()`. With nothing registered, every event
// site in the nursery costs one read of `instrumented`.
import type { Instrument } from "./types.ts";

const registered: Instrument[] = [];

/** Whether any instrument is registered; read at every event site. */
export let instrumented = false;

/** Adds `hooks`; returns the function that removes them. */
export function register(hooks: Instrument): () => void {
  registered.push(hooks);
  instrumented = true;
  return () => {
    const at = registered.indexOf(hooks);
    if (at !== -1) registered.splice(at, 1);
    instrumented = registered.length > 0;
  };
}

/**
 * Calls `event` on every registered instrument that has it. A hook that
 * throws is reported with console.error and never affects a task.
 */
export function emit<E extends keyof Instrument>(
  event: E,
  ...args: Parameters<NonNullable<Instrument[E]>>
): void {
  // A copy: a hook may remove itself (or another) while we iterate.
  for (const hooks of registered.slice()) {
    const hook = hooks[event] as ((...args: unknown[]) => void) | undefined;
    if (typeof hook !== "function") continue;
    try {
      hook.apply(hooks, args);
    } catch (error) {
      console.error(`nursery instrument hook ${event}() threw:`, error);
    }
  }
}
