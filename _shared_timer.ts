// Copyright 2026 the @nursery/nursery authors. MIT license.
// Timers for the same delay armed in the same millisecond share one
// setTimeout. cancel() on a tree marks every nursery in it cancelled in one
// call, and each arms its slow-cancel watchdog: one timer each would be
// 10,000 for a 10,000-level tree, which is workerd's per-request quota
// (cancel() threw QuotaExceededError there).
import { Timer } from "./_timer.ts";

/** The timers of one delay and one millisecond, fired in arming order. */
class Group {
  readonly members = new Set<SharedTimer>();
  readonly timer: Timer;

  constructor(readonly ms: number, readonly armedAt: number) {
    this.timer = Timer.after(ms, () => this.#fire());
  }

  #fire(): void {
    // A timer armed from now on, in the same millisecond (under FakeTime it
    // lasts until the next tick), joins a new group.
    if (latest.get(this.ms) === this) latest.delete(this.ms);
    for (const member of this.members) {
      this.members.delete(member);
      member.fired();
    }
  }
}

// Per delay, the group that timers armed now may join.
const latest = new Map<number, Group>();

/**
 * A timer that calls `fire` once `ms` milliseconds have passed, sharing its
 * setTimeout with the others armed for the same delay in the same
 * millisecond (read from `Date.now()`: the coarse clock lags through a long
 * synchronous run, and a timer armed late in one fired early).
 */
export class SharedTimer {
  #group: Group | undefined;
  readonly #fire: () => void;

  constructor(ms: number, fire: () => void) {
    this.#fire = fire;
    const now = Date.now();
    let group = latest.get(ms);
    if (group === undefined || group.armedAt !== now) {
      group = new Group(ms, now);
      latest.set(ms, group);
    }
    group.members.add(this);
    this.#group = group;
  }

  /** Stops the timer; `fire` is not called. The last one clears the group's. */
  clear(): void {
    const group = this.#group;
    if (group === undefined) return;
    this.#group = undefined;
    group.members.delete(this);
    if (group.members.size === 0) {
      group.timer.clear();
      if (latest.get(group.ms) === group) latest.delete(group.ms);
    }
  }

  /** Called by the group. */
  fired(): void {
    this.#group = undefined;
    this.#fire();
  }
}
