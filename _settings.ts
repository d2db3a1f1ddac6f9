// Copyright 2026 the @nursery/nursery authors. MIT license.
// What a nursery keeps of the options Nursery.run was given.
import type { NurseryRunOptions } from "./types.ts";

/** What a nursery keeps of its options. */
export interface Settings {
  readonly name: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly strict: boolean;
  readonly concurrency: number;
  readonly timeout: number;
  readonly slowCancelAfter: number;
  readonly onSlowCancel: NurseryRunOptions["onSlowCancel"];
  readonly taskScopes: boolean | undefined;
  readonly failFast: boolean;
  readonly onTaskError: NurseryRunOptions["onTaskError"];
}

export const DEFAULTS: Settings = {
  name: undefined,
  signal: undefined,
  strict: false,
  concurrency: Infinity,
  timeout: Infinity,
  slowCancelAfter: 5_000,
  onSlowCancel: undefined,
  taskScopes: undefined,
  failFast: true,
  onTaskError: undefined,
};

// Read each option once (a getter may throw, or change, on a second read).
// Most nurseries have no options: they share the defaults.
export function settingsOf(options: NurseryRunOptions): Settings {
  if (options === EMPTY) return DEFAULTS;
  const {
    name,
    signal,
    strict = false,
    concurrency = Infinity,
    timeout = Infinity,
    slowCancelAfter = 5_000,
    onSlowCancel,
    taskScopes,
    failFast = true,
    onTaskError,
  } = options;
  return {
    name,
    signal,
    strict,
    concurrency,
    timeout,
    slowCancelAfter,
    onSlowCancel,
    taskScopes,
    failFast,
    onTaskError,
  };
}

export const EMPTY: NurseryRunOptions = Object.freeze({});
