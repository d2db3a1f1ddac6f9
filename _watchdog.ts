// Copyright 2026 the @nursery/nursery authors. MIT license.
// The slow-cancel watchdog: when a cancelled nursery still waits for tasks
// after `slowCancelAfter`, it reports what they are.
import { callInNode } from "./_context.ts";
import { isInstance, reportError } from "./_inspect.ts";
import { stuckTasks } from "./_render.ts";
import { SharedTimer } from "./_shared_timer.ts";
import type { TaskHandle } from "./_task.ts";
import type { NurseryScope, SlowCancelReport } from "./types.ts";

// Each nursery's watch, from its cancellation on: a report looks up its
// ancestors' (a WeakMap, so that no module imports the nursery).
const watches = new WeakMap<NurseryScope, SlowCancelWatch>();

/**
 * One cancelled nursery's watch: armed when it is cancelled, closed when it
 * closes. A default report (no `onSlowCancel`) is left to a cancelling
 * ancestor's default report when that one names these tasks too.
 */
export class SlowCancelWatch {
  readonly #body: TaskHandle<unknown>;
  readonly #cancelledAt: number;
  readonly #onSlowCancel: ((report: SlowCancelReport) => void) | undefined;
  // Pending until it fires or its nursery closes.
  #timer: SharedTimer | undefined;
  // When its report went out (-Infinity: not yet).
  #reportedAt = -Infinity;
  // Watches below whose report waits for this one's.
  #waiting: SlowCancelWatch[] | undefined;

  constructor(
    body: TaskHandle<unknown>,
    cancelledAt: number,
    after: number,
    onSlowCancel: ((report: SlowCancelReport) => void) | undefined,
  ) {
    this.#body = body;
    this.#cancelledAt = cancelledAt;
    this.#onSlowCancel = onSlowCancel;
    this.#timer = new SharedTimer(after, () => this.#report());
    watches.set(body.owner, this);
  }

  /** Its nursery closed: no report, and those that waited for it report now. */
  close(): void {
    const waiting = this.#timer === undefined ? undefined : this.#waiting;
    this.#timer?.clear();
    this.#timer = this.#waiting = undefined;
    for (const below of waiting ?? []) {
      if (below.#body.owner.state !== "closed") below.#report();
    }
  }

  #report(): void {
    this.#timer = this.#waiting = undefined;
    this.#reportedAt = Date.now();
    if (this.#onSlowCancel === undefined) {
      const nursery = this.#body.owner;
      for (let up = nursery.parent?.parent; up !== undefined;) {
        const above = watches.get(up);
        // One whose report is still to come, or came while this nursery was
        // already cancelling (so it named these tasks): what gets stuck
        // below it after its report is this nursery's to report.
        if (above !== undefined && above.#onSlowCancel === undefined) {
          if (above.#timer !== undefined) {
            (above.#waiting ??= []).push(this);
            return;
          }
          if (above.#reportedAt >= this.#cancelledAt) return;
        }
        up = up.parent?.parent;
      }
    }
    reportSlowCancel(this.#body, this.#cancelledAt, this.#onSlowCancel);
  }
}

/**
 * Reports the deepest tasks the nursery whose body is `body` still waits
 * for: to `onSlowCancel` if given, else with one console.warn. The hook runs
 * outside the cancelled scope (what it opens is not cancelled), and what it
 * throws, or a promise it returns rejects with, goes to console.error.
 */
function reportSlowCancel(
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
