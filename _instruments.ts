// Copyright 2026 the @nursery/nursery authors. MIT license.
// The registry behind `instrument()`. With nothing registered, every event
// site in the nursery costs one read of `instrumented`.
import { reportError } from "./_inspect.ts";
import type { Instrument } from "./types.ts";

// One entry per registration (the same hooks may be registered twice).
const registered: { readonly hooks: Instrument }[] = [];

/** Whether any instrument is registered; read at every event site. */
export let instrumented = false;

/** Adds `hooks`; returns the function that removes this registration, once. */
export function register(hooks: Instrument): () => void {
  const entry = { hooks };
  registered.push(entry);
  instrumented = true;
  return () => {
    const at = registered.indexOf(entry);
    if (at !== -1) registered.splice(at, 1);
    instrumented = registered.length > 0;
  };
}

/**
 * Calls `event` on every registered instrument that has it. A hook that
 * throws (a getter included) is reported with console.error and never
 * affects a task.
 */
export function emit<E extends keyof Instrument>(
  event: E,
  ...args: Parameters<NonNullable<Instrument[E]>>
): void {
  // A copy: a hook may remove itself (or another) while we iterate.
  for (const { hooks } of registered.slice()) {
    try {
      const hook = hooks[event] as ((...args: unknown[]) => void) | undefined;
      if (typeof hook === "function") hook.apply(hooks, args);
    } catch (error) {
      reportError(`nursery instrument hook ${event}() threw:`, error);
    }
  }
}
