// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * One runtime's result, as the table shows it, and the parsers that read it
 * from each test runner's summary.
 *
 * @module
 */
import { LACKS_MARKER } from "./shim/announce.ts";

/** One row's numbers. */
export interface SuiteResult {
  version: string;
  passed: number;
  failed: number;
  skipped: number;
  /** "yes", "no", or "" when the runner does not say. */
  tree: string;
  /** The runner's output, for the log. */
  output: string;
}

function count(output: string, pattern: RegExp): number | undefined {
  const match = output.match(pattern);
  return match ? Number(match[1]) : undefined;
}

/** Reads what the shim announced the runtime lacks. */
export function treeFrom(output: string): string {
  const line = output.split("\n").find((l) => l.startsWith(LACKS_MARKER));
  if (!line) return "";
  const lacks = JSON.parse(line.slice(LACKS_MARKER.length)) as string[];
  return lacks.includes("implicit tree") ? "no" : "yes";
}

/**
 * Parses a summary; a run that crashed before its summary counts as one
 * failure, so that it can never look green.
 */
export function parseSummary(
  output: string,
  ok: boolean,
  patterns: { passed: RegExp; failed: RegExp; skipped: RegExp },
): Pick<SuiteResult, "passed" | "failed" | "skipped"> {
  const passed = count(output, patterns.passed);
  const failed = count(output, patterns.failed);
  if (passed === undefined || failed === undefined) {
    return { passed: passed ?? 0, failed: (failed ?? 0) + 1, skipped: 0 };
  }
  const skipped = count(output, patterns.skipped) ?? 0;
  return { passed, failed: failed + (ok || failed > 0 ? 0 : 1), skipped };
}

/** node:test's TAP summary. */
export const NODE_TAP = {
  passed: /^# pass (\d+)$/m,
  failed: /^# fail (\d+)$/m,
  skipped: /^# skipped (\d+)$/m,
};

/** bun test's summary. */
export const BUN_SUMMARY = {
  passed: /^\s*(\d+) pass$/m,
  failed: /^\s*(\d+) fail$/m,
  skipped: /^\s*(\d+) skip$/m,
};

/** deno test's summary. */
export const DENO_SUMMARY = {
  passed: /(?:ok|FAILED) \| (\d+) passed/,
  failed: /\| (\d+) failed/,
  skipped: /\| (\d+) ignored/,
};
