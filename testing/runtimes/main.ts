// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task test:runtimes`: the whole suite on every runtime of the matrix,
 * against the package as JSR's npm layer would serve it, ending with one
 * table (runtime, version, passed, failed, skipped, tree).
 *
 * Flags:
 * - `--installed`: run only the runtimes already installed, and say on one
 *   line which were skipped and why (what `deno task test` uses);
 * - `--apt`: install missing browsers with apt-get (CI does);
 * - `--install-only`: install what is missing, run nothing;
 * - `--no-self`: leave out the Deno running this (the test task has run it);
 * - `--only=NAME,NAME`: only these rows.
 *
 * The last line is `runtimes: N passed, N failed, N skipped`. Each run's
 * output is kept in `.cache/runtimes/logs/`.
 *
 * @module
 */
import { driverNode } from "./browser.ts";
import { type BundleKind, bundleSuite } from "./bundle.ts";
import { howToInstall, install, isInstalled } from "./install.ts";
import { type Runtime, RUNTIMES } from "./matrix.ts";
import { buildPackage, readManifest } from "./npm_package.ts";
import { cachePath } from "./paths.ts";
import { installProject } from "./project.ts";
import type { SuiteResult } from "./result.ts";
import { BUNDLE_KIND, runSuite } from "./run_suite.ts";
import { typeCheck } from "./type_check.ts";
import { SKIPS } from "./skips.ts";
import { testNames } from "./deno_api_scan.ts";
import { rootPath } from "./paths.ts";

const args = new Set(Deno.args);
const installedOnly = args.has("--installed");
const only = Deno.args.find((arg) => arg.startsWith("--only="))?.slice(7)
  .split(",");
const encoder = new TextEncoder();

function say(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

const rows = RUNTIMES.filter((runtime) =>
  (!only || only.includes(runtime.name)) &&
  !(args.has("--no-self") && runtime.source.from === "self")
);
const chosen: Runtime[] = [];
// Why -> the runtimes skipped for that reason.
const skippedBecause = new Map<string, string[]>();
function skip(runtime: Runtime, why: string): void {
  skippedBecause.set(why, [...skippedBecause.get(why) ?? [], runtime.name]);
}
for (const runtime of rows) {
  if (!await isInstalled(runtime)) {
    const allowed = runtime.source.from === "npm" ||
      (runtime.source.from === "apt" && args.has("--apt"));
    if (installedOnly || !allowed) {
      skip(runtime, howToInstall(runtime));
      continue;
    }
    say(`installing ${runtime.name}`);
    try {
      await install(runtime);
    } catch (error) {
      skip(runtime, "install failed");
      say(`could not install ${runtime.name}:\n${(error as Error).message}`);
      continue;
    }
  }
  chosen.push(runtime);
}
// The browsers are driven from a Node of the matrix, installed after them.
if (!args.has("--install-only") && !await driverNode()) {
  for (
    const runtime of chosen.filter((r) => BUNDLE_KIND[r.kind] === "browser")
  ) {
    skip(runtime, "no Node of the matrix to drive it");
    chosen.splice(chosen.indexOf(runtime), 1);
  }
}
const missing = [...skippedBecause].map(([why, names]) =>
  `${names.join(", ")} (${why})`
);

if (args.has("--install-only")) {
  say(`installed: ${chosen.map((runtime) => runtime.name).join(", ")}`);
  if (missing.length > 0) say(`not installed: ${missing.join("; ")}`);
  Deno.exit(missing.length > 0 ? 1 : 0);
}

// A skip whose test was renamed or removed skips nothing: a failure.
let staleSkips = 0;
for (const entry of SKIPS) {
  const names = testNames(await Deno.readTextFile(rootPath(entry.file)));
  if (!names.includes(entry.test)) {
    staleSkips++;
    say(`skips.ts names no test of ${entry.file}: "${entry.test}"`);
  }
}

const logs = cachePath("logs/");
await Deno.mkdir(logs, { recursive: true });
const results: [Runtime, SuiteResult][] = [];
let typeFailures = 0;
const kinds = new Set(
  chosen.map((runtime) => BUNDLE_KIND[runtime.kind]).filter((kind) => kind),
) as Set<BundleKind>;
const bundles = new Map<BundleKind, string>();
if (kinds.size > 0) {
  const manifest = await readManifest();
  const tarball = await buildPackage();
  say(`package: ${tarball.slice(cachePath("").length)} (npm pack)`);
  await installProject(manifest.name, tarball);
  say(
    `installed ${manifest.name} from the tarball into .cache/runtimes/project`,
  );
  for (const result of await typeCheck()) {
    say(`types (${result.mode}): ${result.ok ? "ok" : "FAILED"}`);
    if (!result.ok) {
      typeFailures++;
      say(result.output);
    }
  }
  for (const kind of kinds) bundles.set(kind, await bundleSuite(kind));
}

for (const runtime of chosen) {
  const kind = BUNDLE_KIND[runtime.kind];
  const started = Date.now();
  const result = await runSuite(runtime, kind && bundles.get(kind));
  const seconds = Math.round((Date.now() - started) / 1000);
  const log = `${logs}${runtime.name.replace(/[^\w.-]+/g, "_")}.log`;
  await Deno.writeTextFile(log, result.output);
  say(
    `${runtime.name}: ${result.passed} passed, ${result.failed} failed, ` +
      `${result.skipped} skipped (${seconds} s; log .cache/runtimes/logs/${
        log.slice(logs.length)
      })`,
  );
  results.push([runtime, result]);
}

const header = ["runtime", "version", "passed", "failed", "skipped", "tree"];
const table = [
  header,
  ...results.map(([runtime, r]) => [
    runtime.name,
    r.version,
    String(r.passed),
    String(r.failed),
    String(r.skipped),
    r.tree || "-",
  ]),
];
const widths = header.map((_, column) =>
  Math.max(...table.map((row) => row[column].length))
);
say("");
for (const row of table) {
  say(row.map((cell, column) => cell.padEnd(widths[column])).join("  "));
}
if (missing.length > 0) say(`runtimes skipped: ${missing.join("; ")}`);
const total = results.reduce(
  (sum, [, r]) => ({
    passed: sum.passed + r.passed,
    failed: sum.failed + r.failed,
    skipped: sum.skipped + r.skipped,
  }),
  { passed: 0, failed: typeFailures + staleSkips, skipped: 0 },
);
say(
  `runtimes: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`,
);
if (total.failed > 0) Deno.exit(1);
