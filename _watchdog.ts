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

// Orders cancellations and reports. Times cannot: a nursery cancelled in
// the millisecond an ancestor's report went out, after it, has the same
// time as that report, and its tasks were not in it.
let events = 0;

/**
 * One cancelled nursery's watch: armed when it is cancelled, closed when it
 * closes. A default report (no `onSlowCancel`) is left to a cancelling
 * ancestor's default report when that one names these tasks too.
 */
export class SlowCancelWatch {
  readonly #body: TaskHandle<unknown>;
  readonly #cancelledAt: number;
  readonly #onSlowCancel: ((report: SlowCancelReport) => void) | undefined;
  readonly #after: number;
  // Pending until it fires or its nursery closes.
  #timer: SharedTimer | undefined;
  // Since when its tasks may be unreported (its cancellation, or the last
  // task started in it after that), and when the report that names its
  // tasks went out (its own or an ancestor's; 0: none yet), in `events`.
  #armed = ++events;
  #named = 0;
  #closed = false;
  // Watches below whose report waits for this one's: its report names their
  // tasks; if it closes first, they try again.
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
    this.#after = after;
    this.#timer = new SharedTimer(after, () => this.#fired());
    watches.set(body.owner, this);
  }

  /** Its nursery closed: no report, and those that waited for it try again. */
  close(): void {
    this.#closed = true;
    this.#timer?.clear();
    this.#timer = undefined;
    this.#release();
  }

  /**
   * A task started in the cancelled nursery: it may hang too, and no report
   * so far names it. Once the watch reported, it is armed again.
   */
  taskStarted(): void {
    if (this.#closed) return;
    this.#armed = ++events;
    if (this.#timer === undefined && this.#named !== 0) {
      this.#named = 0;
      this.#timer = new SharedTimer(this.#after, () => this.#fired());
    }
  }

  #fired(): void {
    this.#timer = undefined;
    if (this.#onSlowCancel !== undefined) {
      this.#named = ++events;
      reportSlowCancel(this.#body, this.#cancelledAt, this.#onSlowCancel);
      return;
    }
    if (this.#named > this.#armed) {
      // An ancestor's report named its tasks, maybe before the nursery moved
      // up out of that ancestor's tree.
      this.#release();
      return;
    }
    for (let up = this.#body.owner.parent?.parent; up !== undefined;) {
      const above = watches.get(up);
      if (
        above !== undefined && above.#onSlowCancel === undefined &&
        !above.#closed
      ) {
        if (above.#named === 0) {
          // Its report is still to come, and will name these tasks.
          (above.#waiting ??= []).push(this);
          return;
        }
        if (above.#named > this.#armed) {
          // It named these tasks; those below that waited for this one may
          // have been cancelled after it.
          this.#named = above.#named;
          this.#release();
          return;
        }
      }
      up = up.parent?.parent;
    }
    // The report names the tasks of every nursery it walks through, this
    // one and those that wait for it included: none of them waits any more.
    const report = ++events;
    this.#named = report;
    this.#waiting = undefined;
    reportSlowCancel(this.#body, this.#cancelledAt, undefined, (below) => {
      const watch = watches.get(below.owner);
      if (watch !== undefined && watch.#onSlowCancel === undefined) {
        watch.#named = report;
      }
    });
  }

  // Those that waited for this watch's report, which is not coming (it
  // closed first) or did not name them: each looks again. One loop lets go
  // of every such wait, also those a look lets go of in turn.
  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    if (releasing !== undefined) {
      for (const below of waiting) releasing.push(below);
      return;
    }
    releasing = waiting;
    try {
      for (let i = 0; i < releasing.length; i++) {
        const below = releasing[i];
        if (!below.#closed) below.#fired();
      }
    } finally {
      releasing = undefined;
    }
  }
}

// The waits being let go of, while a #release() loop runs (in the order
// they began waiting).
let releasing: SlowCancelWatch[] | undefined;

/**
 * Reports the deepest tasks the nursery whose body is `body` still waits
 * for: to `onSlowCancel` if given, else with one console.warn. `visit` sees
 * every nursery the report walks through. The hook runs outside the
 * cancelled scope (what it opens is not cancelled), and what it throws, or a
 * promise it returns rejects with, goes to console.error; so does what the
 * report itself throws (a console.warn that throws), since it runs in a
 * timer: other reports sharing that timer still go out.
 */
function reportSlowCancel(
  body: TaskHandle<unknown>,
  cancelledAt: number,
  onSlowCancel: ((report: SlowCancelReport) => void) | undefined,
  visit?: (body: TaskHandle<unknown>) => void,
): void {
  try {
    const nursery = body.owner;
    const stuck = stuckTasks(body, visit);
    const elapsed = Date.now() - cancelledAt;
    const message =
      `Nursery "${nursery.name}" was cancelled ${elapsed} ms ago ` +
      `and still waits for ${stuck.length} task(s) that have not ended ` +
      `(do they ignore their signal?): ` +
      stuck.map((entry) => entry.path.join(" > ")).join("; ");
    const report: SlowCancelReport = { nursery, elapsed, stuck, message };
    if (onSlowCancel === undefined) console.warn(message);
    else callInNode(undefined, callReporter, { onSlowCancel, report });
  } catch (error) {
    reportError("the slow-cancel report failed:", error);
  }
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
