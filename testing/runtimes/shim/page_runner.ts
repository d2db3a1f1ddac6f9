// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The in-page runner, for browsers and workerd, which have no test runner of
 * their own: collects the registered tests, then runs them one at a time,
 * each with a time limit (a test that waits for a cancellation that never
 * comes fails instead of hanging the run), and counts an unhandled rejection
 * that nobody prevented against the test it happened in, as Deno does.
 *
 * @module
 */
import { detectLacks } from "./lacks.ts";
import {
  type PlannedTest,
  setLacks,
  TEST_TIMEOUT_MS,
  useRunner,
} from "./registry.ts";
import type { Lack } from "../skips.ts";

/** One test's outcome. */
export interface Outcome {
  file: string;
  name: string;
  result: "passed" | "failed" | "skipped";
  /** The skip reason, or the failure. */
  detail?: string;
  ms: number;
}

/** What a page run reports. */
export interface PageReport {
  lacks: Lack[];
  passed: number;
  failed: number;
  skipped: number;
  outcomes: Outcome[];
}

// FakeTime replaces the timers on globalThis; the runner keeps the real ones.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const collected: PlannedTest[] = [];
let lacks: Lack[] = [];

/** Starts collecting tests; call before the test modules load. */
export function collectTests(on: "chromium" | "firefox" | "workerd"): void {
  useRunner((planned) => collected.push(planned), on, []);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause === undefined
    ? ""
    : `\ncaused by ${describe(error.cause)}`;
  // V8's stack starts with "Name: message"; SpiderMonkey's has only frames.
  const header = `${error.name}: ${error.message}`;
  const stack = error.stack ?? "";
  return `${stack.startsWith(header) ? "" : header + "\n"}${stack}${cause}`;
}

async function runOne(test: PlannedTest): Promise<Outcome> {
  const started = performance.now();
  const base = { file: test.file, name: test.name };
  if (test.skip) {
    return { ...base, result: "skipped", detail: test.skip, ms: 0 };
  }
  const unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => {
    // A test that counts rejections prevents the default after this runs.
    realSetTimeout(() => {
      if (!event.defaultPrevented) unhandled.push(event.reason);
    }, 0);
  };
  // An exception nobody caught (in a timer, an event listener) fails the
  // test it happened in, as in Deno.
  const onError = (event: ErrorEvent) => unhandled.push(event.error);
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  globalThis.addEventListener("error", onError);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      test.run(),
      new Promise((_resolve, reject) => {
        timer = realSetTimeout(
          () => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)),
          TEST_TIMEOUT_MS,
        );
      }),
    ]);
    // Let a late rejection report itself before judging.
    await new Promise((resolve) => realSetTimeout(resolve, 0));
    await new Promise((resolve) => realSetTimeout(resolve, 0));
    if (unhandled.length > 0) {
      throw new Error("unhandled rejection or uncaught error", {
        cause: unhandled[0],
      });
    }
    return { ...base, result: "passed", ms: performance.now() - started };
  } catch (error) {
    return {
      ...base,
      result: "failed",
      detail: describe(error),
      ms: performance.now() - started,
    };
  } finally {
    realClearTimeout(timer);
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
    globalThis.removeEventListener("error", onError);
  }
}

/** Runs every collected test in order; `onOutcome` hears each as it ends. */
export async function runCollected(
  onOutcome: (outcome: Outcome) => void = () => {},
): Promise<PageReport> {
  lacks = await detectLacks();
  setLacks(lacks);
  const report: PageReport = {
    lacks,
    passed: 0,
    failed: 0,
    skipped: 0,
    outcomes: [],
  };
  for (const test of collected) {
    const outcome = await runOne(test);
    report[outcome.result]++;
    report.outcomes.push(outcome);
    onOutcome(outcome);
  }
  return report;
}
