// Copyright 2026 the @nursery/nursery authors. MIT license.
// The slow-cancel watchdog: when a cancelled nursery still waits for tasks
// after `slowCancelAfter`, it reports what they are.
import { callInNode } from "./_context.ts";
import { isInstance, reportError } from "./_inspect.ts";
import { stuckTasks } from "./_render.ts";
import { SharedTimer } from "./_shared_timer.ts";
import type { TaskHandle } from "./_task.ts";
import type { NurseryScope, SlowCancelReport, Task } from "./types.ts";

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
  // In `events`: since when its tasks may be named by no report, and when
  // the last report that names them went out (its own or an ancestor's; 0:
  // none yet, its report is still to come; -1: its own failed).
  #since = ++events;
  #named = 0;
  // A task was started in it after a report named its tasks: the timer
  // pending is for that task (see #lateHang).
  #late = false;
  // The tasks its hook's reports named (with a hook only).
  #hookNamed: WeakSet<Task<unknown>> | undefined;
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
   * A task started in the cancelled nursery. Before a report named its
   * tasks, that report will name this one too; after, a timer is armed, to
   * report again if it hangs.
   */
  taskStarted(): void {
    if (this.#closed || this.#named === 0) return;
    this.#late = true;
    this.#timer ??= new SharedTimer(this.#after, () => this.#fired());
  }

  #fired(): void {
    this.#timer = undefined;
    if (this.#late) {
      this.#late = false;
      const young = this.#lateHang();
      if (young !== undefined) {
        // No new hang yet: a younger one may become one.
        if (young !== Infinity) {
          this.#late = true;
          this.#timer = new SharedTimer(young, () => this.#fired());
        }
        return this.#release();
      }
      // A new hang: its report is still to come, and no earlier one named it.
      this.#since = ++events;
      this.#named = 0;
    } else if (this.#named !== 0) {
      // An ancestor's report named its tasks, maybe before the nursery moved
      // up out of that ancestor's tree.
      return this.#release();
    }
    if (this.#onSlowCancel !== undefined) {
      this.#named = ++events;
      reportSlowCancel(this.#body, this.#cancelledAt, this.#onSlowCancel, {
        named: this.#hookNamed ??= new WeakSet(),
      });
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
        if (above.#named > this.#since) {
          // It named these tasks; those below that waited for this one may
          // have been cancelled after it.
          this.#named = above.#named;
          return this.#release();
        }
      }
      up = up.parent?.parent;
    }
    const report = ++events;
    const walked: TaskHandle<unknown>[] = [];
    const reported = reportSlowCancel(
      this.#body,
      this.#cancelledAt,
      undefined,
      { walked: (body) => walked.push(body), named },
    );
    if (!reported) {
      // It named no one: nobody waits for it any more, and those that did
      // look again.
      this.#named = -1;
      return this.#release();
    }
    // It named the tasks of every nursery it walked through, this one and
    // those that wait for it included: none of them waits any more.
    this.#waiting = undefined;
    for (const body of walked) {
      const watch = watches.get(body.owner);
      if (watch !== undefined && watch.#onSlowCancel === undefined) {
        watch.#named = report;
      }
    }
  }

  /**
   * Whether the tasks still running include a new hang: one no report named
   * (no default report, or none of this watch's hook) that has run for
   * slowCancelAfter since the cancellation. Undefined if so; else in how
   * many ms the next unnamed one will have (Infinity: none is running).
   */
  #lateHang(): number | undefined {
    const before = this.#hookNamed ?? named;
    const now = Date.now();
    let soonest = Infinity;
    for (const { task } of stuckTasks(this.#body)) {
      if (before.has(task)) continue;
      // The report's tasks are the tree's own handles.
      const startedAt = (task as TaskHandle<unknown>).startedAt ?? now;
      const since = Math.max(startedAt, this.#cancelledAt);
      const wait = since + this.#after - now;
      if (wait <= 0) return undefined;
      soonest = Math.min(soonest, wait);
    }
    return soonest;
  }

  // Those that waited for this watch's report, which is not coming (it
  // closed first, or its report failed) or did not name them: each looks
  // again, unless its own timer is pending (armed again for a late task:
  // that timer decides). One loop lets go of every such wait, also those a
  // look lets go of in turn.
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
        if (!below.#closed && below.#timer === undefined) below.#fired();
      }
    } finally {
      releasing = undefined;
    }
  }
}

// The stuck tasks a default report named.
const named = new WeakSet<Task<unknown>>();

// The waits being let go of, while a #release() loop runs (in the order
// they began waiting).
let releasing: SlowCancelWatch[] | undefined;

/**
 * Reports the deepest tasks the nursery whose body is `body` still waits
 * for: to `onSlowCancel` if given, else with one console.warn, telling
 * `seen` what it walked through and named. The hook runs outside the
 * cancelled scope (what it opens is not cancelled), and what it throws, or a
 * promise it returns rejects with, goes to console.error; so does what the
 * report itself throws (a console.warn that throws), since it runs in a
 * timer: other reports sharing that timer still go out. Says whether it
 * went out.
 */
function reportSlowCancel(
  body: TaskHandle<unknown>,
  cancelledAt: number,
  onSlowCancel: ((report: SlowCancelReport) => void) | undefined,
  seen: ReportSeen,
): boolean {
  try {
    const nursery = body.owner;
    const stuck = stuckTasks(body, seen.walked);
    const elapsed = Date.now() - cancelledAt;
    // Each path is as long as its task is deep: all of them would make the
    // line grow as leaves x depth (1,000 x 1,000: 20 MB). Those no report
    // named come first: a report made for a late task shows it.
    const unnamed = stuck.filter((entry) => !seen.named.has(entry.task));
    const shown = unnamed.length === stuck.length
      ? stuck.slice(0, MESSAGE_PATHS)
      : [...unnamed, ...stuck.filter((entry) => seen.named.has(entry.task))]
        .slice(0, MESSAGE_PATHS);
    const more = stuck.length - shown.length;
    const message =
      `Nursery "${nursery.name}" was cancelled ${elapsed} ms ago ` +
      `and still waits for ${stuck.length} task(s) that have not ended ` +
      `(do they ignore their signal?): ` +
      shown.map((entry) => entry.path.join(" > ")).join("; ") +
      (more > 0 ? `; and ${more} more` : "");
    const report: SlowCancelReport = { nursery, elapsed, stuck, message };
    if (onSlowCancel === undefined) console.warn(message);
    else callInNode(undefined, callReporter, { onSlowCancel, report });
    for (const entry of stuck) seen.named.add(entry.task);
    return true;
  } catch (error) {
    reportError("the slow-cancel report failed:", error);
    return false;
  }
}

/** What a report tells its watch: the nurseries it walked, the tasks it named. */
interface ReportSeen {
  walked?: (body: TaskHandle<unknown>) => void;
  // The tasks named so far (by default reports, or by this watch's hook):
  // listed last, and the ones this report names are added.
  named: WeakSet<Task<unknown>>;
}

// How many stuck tasks' paths the message lists; `stuck` has every one.
const MESSAGE_PATHS = 10;

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
