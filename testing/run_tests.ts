// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task test`: every check CI runs, against the real `@std` when JSR
 * answers and against the offline stand-ins in `testing/offline_std/`
 * otherwise. Ends with the totals on a line of their own.
 *
 * `--stress` runs only the property test, with many more cases
 * (`NURSERY_STRESS_RUNS`, default 5000 there), and none of the other checks.
 *
 * Environment:
 * - `NURSERY_STD=online|offline` skips the probe and forces a choice.
 * - `NURSERY_JSR_PROBE_MS` bounds the probe (default 5000).
 * - `NURSERY_RUNTIMES=0` leaves out the suite's run on the other installed
 *   runtimes (`deno task test:runtimes --installed --no-self`).
 *
 * @module
 */

const DENO = Deno.execPath();
const ROOT = new URL("../", import.meta.url);
const OFFLINE_MAP = "testing/offline_std/import_map.json";
// A test file that needs an @std API the stand-ins lack carries this marker.
const ONLINE_ONLY_MARKER = "// @std-online-only";
const encoder = new TextEncoder();

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

function say(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

async function jsrAnswers(): Promise<{ ok: boolean; why: string }> {
  const forced = Deno.env.get("NURSERY_STD");
  if (forced === "online") return { ok: true, why: "NURSERY_STD=online" };
  if (forced === "offline") return { ok: false, why: "NURSERY_STD=offline" };
  const ms = Number(Deno.env.get("NURSERY_JSR_PROBE_MS") ?? 5000);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const response = await fetch("https://jsr.io/@std/assert/meta.json", {
      signal: controller.signal,
    });
    await response.body?.cancel();
    return response.ok
      ? { ok: true, why: "JSR answered" }
      : { ok: false, why: `JSR answered HTTP ${response.status}` };
  } catch (error) {
    const why = controller.signal.aborted
      ? `no answer from JSR within ${ms} ms`
      : `JSR unreachable: ${(error as Error).message.split("\n")[0]}`;
    return { ok: false, why };
  } finally {
    clearTimeout(timer);
  }
}

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  const skip = new Set([
    ".git",
    "node_modules",
    "dist",
    ".ci",
    ".cache",
    "coverage",
  ]);
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      const path = dir === "." ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory && !skip.has(entry.name)) await walk(path);
      else if (entry.isFile && /\.(ts|tsx)$/.test(entry.name)) files.push(path);
    }
  }
  await walk(".");
  return files.sort();
}

async function run(
  label: string,
  args: string[],
): Promise<{ ok: boolean; output: string }> {
  say(`\n== ${label}: deno ${args.join(" ")}`);
  const child = new Deno.Command(DENO, {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      await Deno.stdout.write(chunk);
    }
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout),
    pump(child.stderr),
  ]);
  return { ok: status.success, output };
}

function testTotals(output: string): Totals {
  const line = output.match(
    /(?:ok|FAILED) \| (\d+) passed[^|]*\| (\d+) failed[^|\n]*(?:\| (\d+) ignored)?/,
  );
  if (!line) return { passed: 0, failed: 1, skipped: 0 };
  return {
    passed: Number(line[1]),
    failed: Number(line[2]),
    skipped: Number(line[3] ?? 0),
  };
}

const probe = await jsrAnswers();
const files = await sourceFiles();
const onlineOnly: string[] = [];
let skippedOffline = 0;
for (const file of files) {
  const text = await Deno.readTextFile(new URL(file, ROOT));
  if (text.includes(ONLINE_ONLY_MARKER) && file !== "testing/run_tests.ts") {
    onlineOnly.push(file);
    skippedOffline += text.match(/\bDeno\.test\(/g)?.length ?? 0;
  }
}
const usable = probe.ok
  ? files
  : files.filter((file) => !onlineOnly.includes(file));
const mapArgs = probe.ok ? [] : [`--import-map=${OFFLINE_MAP}`];
say(
  probe.ok
    ? `std: using the real @std packages from JSR (${probe.why})`
    : `std: using the offline stand-ins in testing/offline_std/ (${probe.why}); ` +
      `skipping ${skippedOffline} test(s) that need @std APIs they lack` +
      (onlineOnly.length ? ` (${onlineOnly.join(", ")})` : ""),
);

if (Deno.args.includes("--stress")) {
  const runs = Deno.env.get("NURSERY_STRESS_RUNS") ?? "5000";
  say(`stress: ${runs} random task trees (NURSERY_STRESS_RUNS)`);
  const child = new Deno.Command(DENO, {
    args: ["test", "--allow-env", ...mapArgs, "property_test.ts"],
    cwd: ROOT,
    env: { NURSERY_STRESS_RUNS: runs },
  }).spawn();
  Deno.exit((await child.status).code);
}

const failedChecks: string[] = [];
async function check(label: string, args: string[]): Promise<void> {
  const { ok } = await run(label, args);
  if (!ok) failedChecks.push(label);
}

await check("fmt", ["fmt", "--check"]);
await check("lint", ["lint"]);
await check("type-check", ["check", ...mapArgs, ...usable]);
await check("doc lint", ["doc", "--lint", "mod.ts"]);

const tests = usable.filter((file) => /_test\.tsx?$/.test(file));
const libraryDocs = usable.filter((file) =>
  !file.includes("/") && !file.startsWith("_") && !/_test\.ts$/.test(file)
);
const testRun = await run("tests", [
  "test",
  "--allow-net=127.0.0.1",
  "--allow-read",
  "--allow-env",
  // main_test.ts runs programs in child processes, to send them signals.
  `--allow-run=${DENO}`,
  // reliability_test.ts measures the heap after garbage collection.
  "--v8-flags=--expose-gc",
  ...mapArgs,
  "--doc",
  ...tests,
  ...libraryDocs,
]);
const totals = testTotals(testRun.output);
totals.skipped += probe.ok ? 0 : skippedOffline;

// The same suite on every other runtime that is installed, against the
// package as JSR's npm layer serves it (testing/runtimes/main.ts). It says
// on one line which runtimes it skipped and why; NURSERY_RUNTIMES=0 leaves
// it out (a quick local run).
const runtimeLines: string[] = [];
if (Deno.env.get("NURSERY_RUNTIMES") !== "0") {
  const runtimes = await run("other runtimes", [
    "run",
    "--allow-all",
    "testing/runtimes/main.ts",
    "--installed",
    "--no-self",
  ]);
  const runtimeTotals = runtimes.output.match(
    /^runtimes: (\d+) passed, (\d+) failed, (\d+) skipped$/m,
  );
  if (!runtimes.ok) failedChecks.push("other runtimes");
  totals.passed += Number(runtimeTotals?.[1] ?? 0);
  totals.failed += runtimeTotals ? Number(runtimeTotals[2]) : 1;
  totals.skipped += Number(runtimeTotals?.[3] ?? 0);
  // The table and the skipped-runtimes line, repeated beside the totals.
  const runtimeOutput = runtimes.output.split("\n");
  const tableStart = runtimeOutput.findIndex((l) => l.startsWith("runtime "));
  runtimeLines.push(
    ...(tableStart < 0 ? [] : runtimeOutput.slice(tableStart))
      .filter((line) => line.trim() !== "" && !line.startsWith("runtimes: ")),
  );
} else {
  runtimeLines.push("other runtimes: not run (NURSERY_RUNTIMES=0)");
}

// Node and Bun: a cross-runtime subset of the core, and main() with real
// processes and real signals, on the compiled JavaScript under their own
// test runners.
const mainOnRuntimes: [string, RegExp, RegExp][] = [
  ["test:node", /^# pass (\d+)$/m, /^# fail (\d+)$/m],
  ["test:bun", /^\s*(\d+) pass$/m, /^\s*(\d+) fail$/m],
];
for (const [task, passed, failed] of mainOnRuntimes) {
  const result = await run(task, ["task", task]);
  const pass = Number(result.output.match(passed)?.[1] ?? 0);
  const fail = Number(result.output.match(failed)?.[1] ?? (result.ok ? 0 : 1));
  totals.passed += pass;
  totals.failed += fail || (result.ok ? 0 : 1);
  if (!result.ok) failedChecks.push(task);
  runtimeLines.push(
    `${task}: ${pass} passed, ${fail} failed`,
  );
}

await check("publish dry run", ["publish", "--dry-run", "--allow-dirty"]);

say("");
for (const line of runtimeLines) say(line);
if (failedChecks.length > 0) say(`checks failed: ${failedChecks.join(", ")}`);
else {
  say(
    "checks passed: fmt, lint, type-check, doc lint, test:node, test:bun, publish dry run",
  );
}
say(
  `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
);
if (failedChecks.length > 0 || totals.failed > 0 || !testRun.ok) Deno.exit(1);
