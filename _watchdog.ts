// Copyright 2026 the @nursery/nursery authors. MIT license.
// The slow-cancel report: what a cancelled nursery still waits for.
import { callInNode } from "./_context.ts";
import { isInstance, reportError } from "./_inspect.ts";
import { stuckTasks } from "./_render.ts";
import type { TaskHandle } from "./_task.ts";
import type { SlowCancelReport } from "./types.ts";

/**
 * Reports the deepest tasks the nursery whose body is `body` still waits
 * for: to `onSlowCancel` if given, else with one console.warn. The hook runs
 * outside the cancelled scope (what it opens is not cancelled), and what it
 * throws, or a promise it returns rejects with, goes to console.error.
 */
export function reportSlowCancel(
  body: TaskHandle<unknown>,
  cancelledAt: number,
  onSlowCancel: ((report: SlowCancelReport) => void) | undefined,
): void {
  const nursery = body.owner;
  const stuck = stuckTasks(body);
  const elapsed = Date.now() - cancelledAt;
  const message = `Nursery "${nursery.name}" was cancelled ${elapsed} ms ago ` +
    `and still waits for ${stuck.length} task(s) that have not ended ` +
    `(do they ignore their signal?): ` +
    stuck.map((entry) => entry.path.join(" > ")).join("; ");
  const report: SlowCancelReport = { nursery, elapsed, stuck, message };
  if (onSlowCancel === undefined) console.warn(message);
  else callInNode(undefined, callReporter, { onSlowCancel, report });
}

function callReporter(
  { onSlowCancel, report }: {
    onSlowCancel: (report: SlowCancelReport) => void;
    report: SlowCancelReport;
  },
): void {
  try {
    const result: unknown = onSlowCancel(report);
    if (isInstance(result, Promise)) result.catch(reportHookError);
  } catch (error) {
    reportHookError(error);
  }
}

function reportHookError(error: unknown): void {
  reportError("onSlowCancel threw:", error);
}
