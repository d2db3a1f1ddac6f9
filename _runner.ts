// Copyright 2026 the @nursery/nursery authors. MIT license.
// What the pattern helpers (stream.ts, any.ts, map.ts) use of a nursery,
// written as a structural type. `Nursery.run` satisfies it, and nursery.ts
// passes it in: the helpers never import nursery.ts (not even its types), so
// the module graph has no cycle and the core can change behind this shape.
import type { NurseryScope } from "./types.ts";

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
