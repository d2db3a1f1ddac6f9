// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Where the cross-runtime run keeps what it builds and installs: all of it
 * under `.cache/runtimes/` (git-ignored), so deleting that folder starts over.
 *
 * @module
 */

/** The repository root. */
export const ROOT: URL = new URL("../../", import.meta.url);

/** Everything the run writes. */
export const CACHE: URL = new URL(".cache/runtimes/", ROOT);

/** A path under {@linkcode CACHE}, as a plain file-system path. */
export function cachePath(relative: string): string {
  return new URL(relative, CACHE).pathname;
}

/** A path under {@linkcode ROOT}, as a plain file-system path. */
export function rootPath(relative: string): string {
  return new URL(relative, ROOT).pathname;
}
