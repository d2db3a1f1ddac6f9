// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Runs the suite on one runtime of the matrix and reads its result.
 *
 * - Deno runs the test files themselves (`deno test`, offline stand-ins),
 *   the oldest Deno without this repository's `deno.json`, which it cannot
 *   parse (`test.sanitizeOps` came later) and which a user would not have.
 * - Node and Bun run the bundle under `node:test` and `bun:test`.
 * - Browsers and workerd run the bundle with the in-page runner.
 *
 * @module
 */
import { testNames } from "./deno_api_scan.ts";
import { testFiles } from "./bundle.ts";
import { runCommand } from "./command.ts";
import { executable, type Runtime } from "./matrix.ts";
import { PROJECT } from "./project.ts";
import { rootPath } from "./paths.ts";
import {
  BUN_SUMMARY,
  DENO_SUMMARY,
  NODE_TAP,
  parseSummary,
  type SuiteResult,
  treeFrom,
} from "./result.ts";
import { runInBrowser } from "./browser.ts";
import { runInWorkerd } from "./workerd.ts";

const ONLINE_ONLY_MARKER = "// @std-online-only";
const OFFLINE_MAP = "testing/offline_std/import_map.json";
// Maps the package's name to the sources, for the Deno rows' probe.
const DENO_LACKS_MAP = "testing/runtimes/deno_lacks_map.json";

async function versionOf(binary: string, args: string[]): Promise<string> {
  const { output } = await runCommand(binary, args);
  return output.match(/\d+\.\d+\.\d+\S*/)?.[0] ?? "?";
}

/** The test files Deno runs offline, and how many tests the rest hold. */
export async function denoTestFiles(): Promise<
  { files: string[]; skipped: number }
> {
  const files: string[] = [];
  let skipped = 0;
  for (const file of await testFiles()) {
    const text = await Deno.readTextFile(rootPath(file));
    if (text.includes(ONLINE_ONLY_MARKER)) skipped += testNames(text).length;
    else files.push(file);
  }
  return { files, skipped };
}

async function runDeno(runtime: Runtime): Promise<SuiteResult> {
  const deno = executable(runtime);
  const self = runtime.source.from === "self";
  const { files, skipped } = await denoTestFiles();
  const { ok, output } = await runCommand(deno, [
    "test",
    ...(self ? [] : ["--no-config"]),
    "--allow-net=127.0.0.1",
    "--allow-read",
    "--allow-env",
    // main_test.ts starts this Deno in child processes, to send it signals.
    `--allow-run=${deno}`,
    "--v8-flags=--expose-gc",
    `--import-map=${OFFLINE_MAP}`,
    ...files,
  ], {
    cwd: rootPath(""),
    // Older Deno releases trust only their own roots, not the system's.
    env: { DENO_TLS_CA_STORE: "system" },
  });
  const counts = parseSummary(output, ok, DENO_SUMMARY);
  const lacks = await runCommand(deno, [
    "run",
    "--no-config",
    `--import-map=${DENO_LACKS_MAP}`,
    "testing/runtimes/shim/deno_lacks.ts",
  ], { cwd: rootPath("") });
  return {
    version: await versionOf(deno, ["--version"]),
    ...counts,
    skipped: counts.skipped + skipped,
    tree: treeFrom(lacks.output),
    output: `${lacks.output}\n${output}`,
  };
}

async function runNode(runtime: Runtime, bundle: string): Promise<SuiteResult> {
  const node = executable(runtime);
  const { ok, output } = await runCommand(node, [
    ...runtime.flags,
    "--enable-source-maps",
    "--test-reporter=tap",
    bundle,
  ], { cwd: PROJECT });
  return {
    version: await versionOf(node, ["--version"]),
    ...parseSummary(output, ok, NODE_TAP),
    tree: treeFrom(output),
    output,
  };
}

async function runBun(runtime: Runtime, bundle: string): Promise<SuiteResult> {
  const bun = executable(runtime);
  const { ok, output } = await runCommand(bun, [
    "test",
    ...runtime.flags,
    `./${bundle.slice(PROJECT.length)}`,
  ], { cwd: PROJECT });
  return {
    version: await versionOf(bun, ["--version"]),
    ...parseSummary(output, ok, BUN_SUMMARY),
    tree: treeFrom(output),
    output,
  };
}

/** The bundle each kind of runtime runs. */
export const BUNDLE_KIND = {
  deno: undefined,
  node: "node",
  bun: "bun",
  chromium: "browser",
  firefox: "browser",
  workerd: "workerd",
} as const;

/** Runs the suite on `runtime`; `bundle` is its kind's bundle, if it has one. */
export function runSuite(
  runtime: Runtime,
  bundle: string | undefined,
): Promise<SuiteResult> {
  switch (runtime.kind) {
    case "deno":
      return runDeno(runtime);
    case "node":
      return runNode(runtime, bundle!);
    case "bun":
      return runBun(runtime, bundle!);
    case "chromium":
    case "firefox":
      return runInBrowser(runtime, bundle!);
    case "workerd":
      return runInWorkerd(runtime, bundle!);
  }
}
