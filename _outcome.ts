// Copyright 2026 the @nursery/nursery authors. MIT license.
import { MultiError } from "./multi_error.ts";
import { withLabels } from "./_failure_labels.ts";
import type { NodeOrigin } from "./_cancel_tree.ts";
import type { TaskStatus } from "./types.ts";

/** All that decides how a nursery's `run` settles, once every task has. */
export interface NurseryEnding {
  /** The failures kept, in order, each once, with their tasks' names. */
  readonly failures: ReadonlyMap<unknown, string> | undefined;
  /** Always a MultiError, even for one failure. */
  readonly strict: boolean;
  /** How the body ended, and with what. */
  readonly bodyStatus: TaskStatus;
  readonly bodyOutcome: unknown;
  /** The nursery's own cancellation, if any. */
  readonly origin: NodeOrigin | undefined;
  readonly reason: unknown;
  /** A cancellation that came from outside (parent scope or outer signal). */
  readonly fromAbove: boolean;
  readonly aboveReason: unknown;
}

/** How `run` settles. */
export type Outcome =
  | { readonly fulfilled: true; readonly value: unknown }
  | { readonly fulfilled: false; readonly error: unknown };

/**
 * The precedence, in the order it is checked (asyncio's TaskGroup decides
 * the same way, in one place):
 * 1. Real failures win: a cleanup bug must never hide behind a cancellation.
 * 2. A cancellation from outside passes through with its reason, as trio's
 *    Cancelled does: the caller that cancelled recognises its own reason.
 *    It wins over the nursery's own timeout, which fired first maybe.
 * 3. The nursery's own deadline (`timeout`): its TimeoutError.
 * 4. The body's value, if it returned: `cancel()` after that changes nothing.
 * 5. The body ended cancelled: the nursery's own reason.
 */
export function nurseryOutcome(ending: NurseryEnding): Outcome {
  const { failures } = ending;
  if (failures !== undefined && failures.size > 0) {
    return {
      fulfilled: false,
      error: failures.size === 1 && !ending.strict
        ? failures.keys().next().value
        : withLabels(failures, () => new MultiError(failures.keys())),
    };
  }
  if (ending.fromAbove) return { fulfilled: false, error: ending.aboveReason };
  if (ending.origin === "timeout") {
    return { fulfilled: false, error: ending.reason };
  }
  if (ending.bodyStatus === "fulfilled") {
    return { fulfilled: true, value: ending.bodyOutcome };
  }
  return { fulfilled: false, error: ending.reason };
}
