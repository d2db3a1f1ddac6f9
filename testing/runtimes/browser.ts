// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Runs the browser bundle in Chromium or Firefox ESR through
 * `browser_driver.mjs`, under Node, and reads the in-page runner's report.
 *
 * @module
 */
import { runCommand } from "./command.ts";
import { executable, type Runtime, RUNTIMES } from "./matrix.ts";
import { PROJECT } from "./project.ts";
import type { SuiteResult } from "./result.ts";
import { isInstalled } from "./install.ts";
import type { PageReport } from "./shim/page_runner.ts";

const DRIVER = new URL("browser_driver.mjs", import.meta.url).pathname;

/** Reads a page report printed after `marker`; a missing one is a failure. */
export function readReport(
  output: string,
  marker: string,
): Omit<SuiteResult, "version" | "output"> {
  const line = output.split("\n").find((l) => l.startsWith(marker));
  if (!line) return { passed: 0, failed: 1, skipped: 0, tree: "" };
  let report: PageReport;
  try {
    report = JSON.parse(line.slice(marker.length));
  } catch {
    return { passed: 0, failed: 1, skipped: 0, tree: "" };
  }
  return {
    passed: report.passed,
    failed: report.failed,
    skipped: report.skipped,
    tree: report.lacks.includes("implicit tree") ? "no" : "yes",
  };
}

/**
 * The Node that drives the browsers: one of the matrix's (puppeteer-core
 * drives Firefox reliably only on a current Node), or undefined if none is
 * installed.
 */
export async function driverNode(): Promise<string | undefined> {
  for (const runtime of RUNTIMES) {
    if (runtime.kind === "node" && await isInstalled(runtime)) {
      return executable(runtime);
    }
  }
  return undefined;
}

/** Runs `bundle` in the browser of `runtime`. */
export async function runInBrowser(
  runtime: Runtime,
  bundle: string,
): Promise<SuiteResult> {
  // From inside the project, where its import of puppeteer-core resolves.
  const driver = `${PROJECT}browser_driver.mjs`;
  await Deno.copyFile(DRIVER, driver);
  const node = await driverNode();
  if (!node) throw new Error("no Node from the matrix to drive the browser");
  const { output } = await runCommand(node, [
    driver,
    runtime.kind === "firefox" ? "firefox" : "chrome",
    executable(runtime),
    bundle,
  ], { cwd: PROJECT });
  const version = output.match(/^browser-version: \D*(\S+)/m)?.[1] ?? "?";
  return { version, ...readReport(output, "nursery-report:"), output };
}
