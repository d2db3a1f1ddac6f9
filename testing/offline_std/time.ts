// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Offline stand-in for `FakeTime` from `@std/testing/time` (1.0.20), written
 * to the same algorithm so that a test behaves the same on both:
 *
 * - `tick(ms)` advances the clock synchronously, running every due timer in
 *   order of due time, then of creation, with no microtask flush in between
 *   (a timer that a callback schedules inside the window also runs).
 * - `runMicrotasks()` lets one real macrotask turn pass; `tickAsync(ms)` is
 *   `runMicrotasks()` then `tick(ms)`; `nextAsync()` likewise before `next()`.
 * - `Date`, `setTimeout`, `setInterval`, their clears and `AbortSignal.timeout`
 *   are replaced on `globalThis` while one instance exists; a second one throws.
 *
 * `@sinonjs/fake-timers` was considered as the engine: its `tickAsync`
 * flushes promise callbacks between timers, which std's does not, so a test
 * could pass here and fail on the real package. Hence this small model.
 *
 * @module
 */

/** Thrown on misuse, as std's `TimeError`. */
export class TimeError extends Error {
  /** Makes the error. */
  constructor(message: string) {
    super(message);
    this.name = "TimeError";
  }
}

interface Timer {
  id: number;
  callback: (...args: unknown[]) => void;
  args: unknown[];
  delay: number;
  due: number;
  repeat: boolean;
}

const real = {
  Date,
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  abortSignalTimeout: AbortSignal.timeout,
};

let current: FakeTime | undefined;
let now = 0;
let startedAt = 0;
let nextId = 1;
// Pending timers sorted by (due, id); `live` says which are not cleared.
let queue: Timer[] = [];
let live = new Set<number>();

function schedule(timer: Timer): void {
  let low = 0;
  let high = queue.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const other = queue[mid];
    if (other.due < timer.due || (other.due === timer.due)) low = mid + 1;
    else high = mid;
  }
  queue.splice(low, 0, timer);
  live.add(timer.id);
}

function addTimer(
  callback: unknown,
  delay: unknown,
  args: unknown[],
  repeat: boolean,
): number {
  if (typeof callback !== "function") {
    throw new TimeError(
      `FakeTime does not support non-function callbacks to ${
        repeat ? "setInterval" : "setTimeout"
      }`,
    );
  }
  const ms = Math.max(repeat ? 1 : 0, Math.floor(Number(delay ?? 0) || 0));
  const id = nextId++;
  schedule({
    id,
    callback: callback as Timer["callback"],
    args,
    delay: ms,
    due: now + ms,
    repeat,
  });
  return id;
}

function clearTimer(id: unknown): void {
  if (typeof id === "number") live.delete(id);
}

function earliestLive(): Timer | undefined {
  while (queue.length > 0 && !live.has(queue[0].id)) queue.shift();
  return queue[0];
}

function advanceTo(value: number): void {
  if (value < now) {
    throw new RangeError(
      `Cannot set current time in the past, time must be >= ${now}: received ${value}`,
    );
  }
  for (let timer = earliestLive(); timer && timer.due <= value;) {
    queue.shift();
    now = timer.due;
    if (timer.repeat) schedule({ ...timer, due: timer.due + timer.delay });
    else live.delete(timer.id);
    timer.callback(...timer.args);
    timer = earliestLive();
  }
  now = value;
}

const FakeDate = new Proxy(Date, {
  construct(_target, args) {
    if (args.length === 0) args.push(now);
    // @ts-expect-error: forwards whatever arguments Date accepts
    return new real.Date(...args);
  },
  apply() {
    return new real.Date(now).toString();
  },
  get(target, property, receiver) {
    if (property === "now") return () => now;
    return Reflect.get(target, property, receiver);
  },
});

function fakeAbortSignalTimeout(ms: number): AbortSignal {
  const controller = new AbortController();
  addTimer(
    () =>
      controller.abort(new DOMException("Signal timed out.", "TimeoutError")),
    ms,
    [],
    false,
  );
  return controller.signal;
}

function install(): void {
  globalThis.Date = FakeDate;
  globalThis.setTimeout = ((
    callback: unknown,
    delay?: unknown,
    ...args: unknown[]
  ) => addTimer(callback, delay, args, false)) as unknown as typeof setTimeout;
  globalThis.clearTimeout = clearTimer as typeof clearTimeout;
  globalThis.setInterval = ((
    callback: unknown,
    delay?: unknown,
    ...args: unknown[]
  ) => addTimer(callback, delay, args, true)) as unknown as typeof setInterval;
  globalThis.clearInterval = clearTimer as typeof clearInterval;
  AbortSignal.timeout = fakeAbortSignalTimeout;
}

function uninstall(): void {
  globalThis.Date = real.Date;
  globalThis.setTimeout = real.setTimeout;
  globalThis.clearTimeout = real.clearTimeout;
  globalThis.setInterval = real.setInterval;
  globalThis.clearInterval = real.clearInterval;
  AbortSignal.timeout = real.abortSignalTimeout;
}

/** Fakes the clock and timers until restored; see the module doc. */
export class FakeTime {
  /**
   * Starts faking time at `start` (default: the real now).
   *
   * @param start The fake clock's first reading.
   */
  constructor(start?: number | string | Date | null) {
    if (current) {
      throw new TimeError("Cannot construct FakeTime: time is already faked");
    }
    const at = start instanceof Date
      ? start.valueOf()
      : typeof start === "number"
      ? Math.floor(start)
      : typeof start === "string"
      ? new real.Date(start).valueOf()
      : real.Date.now();
    if (Number.isNaN(at)) {
      throw new TypeError(
        `Cannot construct FakeTime: invalid start time ${at}`,
      );
    }
    now = startedAt = at;
    nextId = 1;
    queue = [];
    live = new Set();
    install();
    current = this;
  }

  /** Restores real time. */
  [Symbol.dispose](): void {
    this.restore();
  }

  /** The fake clock's reading, in milliseconds since the epoch. */
  get now(): number {
    return now;
  }

  /** Advances the clock to `value`, running every timer due by then. */
  set now(value: number) {
    advanceTo(value);
  }

  /** The fake clock's first reading. */
  get start(): number {
    return startedAt;
  }

  /** Lets pending promise callbacks run (one real macrotask turn). */
  async runMicrotasks(): Promise<void> {
    // Called on globalThis: some runtimes (Deno 2.0) reject another `this`.
    await new Promise((resolve) =>
      real.setTimeout.call(globalThis, resolve, 0)
    );
  }

  /** Advances the clock by `ms`, running due timers synchronously. */
  tick(ms = 0): void {
    advanceTo(now + ms);
  }

  /** Runs pending promise callbacks, then advances the clock by `ms`. */
  async tickAsync(ms = 0): Promise<void> {
    await this.runMicrotasks();
    advanceTo(now + ms);
  }

  /** Advances to the next due timer(s); false if there is none. */
  next(): boolean {
    const timer = earliestLive();
    if (timer) advanceTo(timer.due);
    return timer !== undefined;
  }

  /** Runs pending promise callbacks, then {@linkcode FakeTime.next}. */
  async nextAsync(): Promise<boolean> {
    await this.runMicrotasks();
    return this.next();
  }

  /** Runs timers until none is left. */
  runAll(): void {
    while (this.next());
  }

  /** Like {@linkcode FakeTime.runAll}, flushing promise callbacks before each step. */
  async runAllAsync(): Promise<void> {
    while (earliestLive()) await this.nextAsync();
  }

  /** Restores real time. */
  restore(): void {
    if (!current) {
      throw new TimeError("Cannot restore time: time is already restored");
    }
    current = undefined;
    uninstall();
  }

  /** Restores real time for whichever instance is active. */
  static restore(): void {
    if (!current) {
      throw new TimeError("Cannot restore time: time is already restored");
    }
    current.restore();
  }
}
