// Copyright 2026 the @nursery/nursery authors. MIT license.
// What the pattern helpers (stream.ts, any.ts, map.ts) use of a nursery,
// written as a structural type. `Nursery.run` satisfies it, and nursery.ts
// passes it in: the helpers never import nursery.ts (not even its types), so
// the module graph has no cycle and the core can change behind this shape.

/**
 * What a pattern helper uses of the nursery it opens: a structural view of
 * `Nursery`, which satisfies it.
 *
 * @example A nursery is a NurseryScope
 * ```ts
 * import { Nursery } from "@nursery/nursery";
 * import type { NurseryScope } from "@nursery/nursery/stream";
 * import { assertEquals } from "@std/assert";
 *
 * const scope: (nursery: NurseryScope) => string = (nursery) => {
 *   nursery.startSoon(({ signal }) => signal.aborted);
 *   return "started";
 * };
 * assertEquals(await Nursery.run(scope), "started");
 * ```
 */
export interface NurseryScope {
  /** Aborted when the nursery is cancelled, for any reason. */
  readonly signal: AbortSignal;
  /** Starts `fn` as a child task at once (its handle is not used). */
  startSoon(
    fn: (context: { readonly signal: AbortSignal }) => unknown,
    options?: { name?: string },
  ): unknown;
  /** Cancels every task of the nursery with `reason`. */
  cancel(reason?: unknown): void;
}

/**
 * Opens a nursery, as `Nursery.run` does: runs `body` in it and settles when
 * everything it started has settled, rejecting with the nursery's failure or
 * the outer signal's reason. The pattern helpers receive `Nursery.run` as
 * this; a wrapper can configure the nurseries they open.
 *
 * @example A runner that gives each call its own scope
 * ```ts
 * import { Nursery } from "@nursery/nursery";
 * import { mapWith } from "@nursery/nursery/map";
 * import type { NurseryRunner } from "@nursery/nursery/stream";
 * import { assertEquals } from "@std/assert";
 *
 * const scoped: NurseryRunner = (body, options) =>
 *   Nursery.run(body, { ...options, taskScopes: true });
 * assertEquals(await mapWith(scoped, [1, 2], (n) => n + 1), [2, 3]);
 * ```
 */
export type NurseryRunner = <T>(
  body: (nursery: NurseryScope) => T | PromiseLike<T>,
  options?: { signal?: AbortSignal; name?: string },
) => Promise<T>;
