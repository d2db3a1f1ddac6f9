// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Task functions the test files share.
 *
 * @module
 */
import { delay } from "@std/async";
import type { TaskContext } from "../mod.ts";

const AN_HOUR = 60 * 60 * 1_000;

/**
 * A task that sleeps (honouring its signal) until it is cancelled, tells
 * `onCancel` why, and rethrows, as a well-behaved task does.
 */
export function untilCancelled(
  onCancel: (reason: unknown, context: TaskContext) => void,
): (context: TaskContext) => Promise<void> {
  return async (context) => {
    try {
      await delay(AN_HOUR, context);
    } catch (reason) {
      onCancel(reason, context);
      throw reason;
    }
  };
}
