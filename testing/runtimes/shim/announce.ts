// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The line every runner prints first, which the cross-runtime run reads:
 * what the runtime lacks, so the table can say whether the tree was there.
 *
 * @module
 */
import type { Lack } from "../skips.ts";

/** The marker that starts the line. */
export const LACKS_MARKER = "nursery-runtime-lacks:";

/** Prints what this runtime lacks. */
export function announce(lacks: readonly Lack[]): void {
  console.log(`${LACKS_MARKER} ${JSON.stringify(lacks)}`);
}
