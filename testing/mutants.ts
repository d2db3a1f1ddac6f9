// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task mutants`: the mutation check. Applies each mutation listed in
 * `testing/mutants.json` on its own to a temporary copy of the repository,
 * made at the start (the real files are never touched, and editing them
 * during a run changes nothing in it), runs the Deno test suite there, and
 * says whether the suite noticed: KILLED (a test failed; the first one is
 * named) or SURVIVED (every test passed: the suite does not pin what the
 * mutation broke).
 *
 * Each entry of `testing/mutants.json`:
 *
 * ```json
 * { "id": "close-skips-unfollow", "file": "nursery.ts",
 *   "description": "skip a listener removal",
 *   "find": "this.#unfollow?.();", "replace": "" }
 * ```
 *
 * `find` must occur exactly once in `file`: a mutant whose text no longer
 * occurs is STALE, one whose text occurs more than once is AMBIGUOUS, and a
 * mutant that no longer type-checks is INVALID. All three, like SURVIVED,
 * make the run fail: a list that checks nothing must not look green.
 *
 * The suite is the tests step of `testing/run_tests.ts` (the same flags,
 * against the offline `@std` stand-ins) plus `--fail-fast`, its files ordered
 * fastest first by a first, unmutated run (the baseline), so that a killed
 * mutant stops early. If the baseline fails, no mutant can be judged, and the
 * run stops there.
 *
 * Options:
 * - `--jobs=N`: mutants run at once, 1 or 2 (default 2); each job has its
 *   own copy of the repository.
 * - `--only=id,id`: just these mutants.
 * - `--list=path`: another list (default `testing/mutants.json`).
 * - `--exclude-tests=a_test.ts,b_test.ts`: leave these test files out (for
 *   example tests written ahead of a fix, which fail on the code as it is).
 * - `--skip=regex`: leave out the tests whose name matches (a JavaScript
 *   pattern), for single tests of that kind in a file that must otherwise
 *   run. The baseline then runs every test once, without `--fail-fast`, and
 *   the mutants run with a `--filter` that names each test kept.
 * - `--timeout=seconds`: a mutant whose suite runs longer is KILLED (it
 *   hung); default three times the baseline, at least 60 s.
 *
 * @module
 */

const DENO = Deno.execPath();
const ROOT = new URL("../", import.meta.url);
const OFFLINE_MAP = "testing/offline_std/import_map.json";
const ONLINE_ONLY_MARKER = "// @std-online-only";
const SKIP_DIRS = new Set([
  ".git",
  "node_modules",
  "dist",
  ".ci",
  "coverage",
  ".cache",
]);
const encoder = new TextEncoder();

interface Mutant {
  id: string;
  file: string;
  description: string;
  find: string;
  replace: string;
}

type Status =
  | "KILLED"
  | "SURVIVED"
  | "STALE"
  | "AMBIGUOUS"
  | "INVALID";

interface Result {
  mutant: Mutant;
  status: Status;
  detail: string;
  seconds: number;
}

interface SuiteRun {
  ok: boolean;
  timedOut: boolean;
  output: string;
  seconds: number;
}

function say(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return Deno.args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

function listOption(name: string): string[] {
  return (option(name) ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

async function readMutants(path: string): Promise<Mutant[]> {
  const parsed: unknown = JSON.parse(
    await Deno.readTextFile(new URL(path, ROOT)),
  );
  if (!Array.isArray(parsed)) {
    throw new TypeError(`${path} must hold an array of mutants`);
  }
  const ids = new Set<string>();
  for (const [index, entry] of parsed.entries()) {
    for (const key of ["id", "file", "description", "find", "replace"]) {
      if (typeof (entry as Record<string, unknown>)?.[key] !== "string") {
        throw new TypeError(
          `${path}: mutant ${index} needs a string '${key}'`,
        );
      }
    }
    const { id, find } = entry as Mutant;
    if (ids.has(id)) throw new TypeError(`${path}: duplicate id "${id}"`);
    if (find === "") throw new TypeError(`${path}: "${id}" has an empty find`);
    ids.add(id);
  }
  return parsed as Mutant[];
}

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(new URL(dir, ROOT))) {
      const path = dir === "." ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory && !SKIP_DIRS.has(entry.name)) await walk(path);
      else if (entry.isFile && /\.(ts|tsx)$/.test(entry.name)) files.push(path);
    }
  }
  await walk(".");
  return files.sort();
}

/** The suite's files as testing/run_tests.ts picks them, offline. */
async function suiteFiles(
  excluded: string[],
): Promise<{ tests: string[]; docs: string[] }> {
  const usable: string[] = [];
  for (const file of await sourceFiles()) {
    const text = await Deno.readTextFile(new URL(file, ROOT));
    if (!text.includes(ONLINE_ONLY_MARKER) || file === "testing/run_tests.ts") {
      usable.push(file);
    }
  }
  const tests = usable.filter((file) =>
    /_test\.tsx?$/.test(file) && !excluded.includes(file)
  );
  const docs = usable.filter((file) =>
    !file.includes("/") && !file.startsWith("_") && !/_test\.ts$/.test(file)
  );
  return { tests, docs };
}

async function copyTree(from: URL, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (SKIP_DIRS.has(entry.name) || entry.name === ".cache") continue;
    const source = new URL(entry.name + (entry.isDirectory ? "/" : ""), from);
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyTree(source, target);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}

async function runSuite(
  dir: string,
  files: string[],
  timeoutMs: number,
  filter: string[],
  failFast = true,
): Promise<SuiteRun> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const child = new Deno.Command(DENO, {
    args: [
      "test",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      // main_test.ts starts real child programs, as the test task allows.
      `--allow-run=${DENO}`,
      "--v8-flags=--expose-gc",
      `--import-map=${OFFLINE_MAP}`,
      ...(failFast ? ["--fail-fast"] : []),
      ...filter,
      "--doc",
      ...files,
    ],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: timeout,
  }).spawn();
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  return {
    ok: status.success,
    timedOut: timeout.aborted,
    output: stdout + stderr,
    seconds: (performance.now() - started) / 1_000,
  };
}

/** The first failing test, as Deno's report names it: "name => ./file:line:col". */
function firstFailure(output: string): string {
  const errors = output.indexOf(" ERRORS ");
  const named = output.slice(errors === -1 ? 0 : errors)
    .match(/^(.+) => (\.\/\S+)$/m);
  if (named) return `"${named[1].trim()}" (${named[2]})`;
  const failed = output.match(/^\s*(.+?) \.\.\. FAILED/m);
  if (failed) return `"${failed[1].trim()}"`;
  const uncaught = output.match(/^error: (.+)$/m);
  return uncaught ? `an error outside any test: ${uncaught[1]}` : "(unknown)";
}

/** Top-level tests of a run, with whether each passed (steps are indented). */
function topLevelResults(output: string): Map<string, boolean> {
  const results = new Map<string, boolean>();
  for (const line of output.split("\n")) {
    const match = line.match(/^(\S.*) \.\.\. (ok|FAILED)(?: \(.*\))?$/);
    if (match) results.set(match[1], match[2] === "ok");
  }
  return results;
}

/** A `deno test --filter` that selects exactly `names` (Rust's regex syntax). */
function filterFor(names: string[], dir: string): string {
  const escape = (text: string) =>
    text.replace(/[\\.+*?()|[\]{}^$#&\-~]/g, "\\$&");
  // Doc tests are named by absolute URL, which differs from job to job.
  const prefix = `file://${dir}/`;
  const patterns = names.map((name) =>
    name.startsWith(prefix)
      ? `file://.*/${escape(name.slice(prefix.length))}`
      : escape(name)
  );
  return `--filter=/^(?:${patterns.join("|")})$/`;
}

function passedCount(output: string): number {
  return Number(output.match(/(?:ok|FAILED) \| (\d+) passed/)?.[1] ?? 0);
}

function typeCheckFailed(output: string): boolean {
  return /TS\d+ \[ERROR\]|error: Type checking failed/.test(output);
}

/** Orders test files fastest first, from the per-test times of a run. */
function fastestFirst(tests: string[], output: string): string[] {
  const cost = new Map<string, number>();
  let file: string | undefined;
  for (const line of output.split("\n")) {
    const running = line.match(/^running \d+ tests? from \.\/(\S+)$/);
    if (running) {
      file = running[1];
      continue;
    }
    const timed = line.match(/\.\.\. ok \((\d+(?:\.\d+)?)(ms|s|µs)\)$/);
    if (file && timed) {
      const unit = { s: 1_000, ms: 1, "µs": 0.001 }[timed[2]] ?? 1;
      cost.set(file, (cost.get(file) ?? 0) + Number(timed[1]) * unit);
    }
  }
  return [...tests].sort((a, b) => (cost.get(a) ?? 0) - (cost.get(b) ?? 0));
}

function occurrences(text: string, find: string): number {
  let count = 0;
  for (
    let at = text.indexOf(find);
    at !== -1;
    at = text.indexOf(find, at + 1)
  ) {
    count++;
  }
  return count;
}

async function judge(
  mutant: Mutant,
  dir: string,
  files: string[],
  timeoutMs: number,
  filter: string[],
): Promise<Result> {
  // From the job's copy, made at the start and restored after each mutant:
  // the run judges the code as it was then, even if the tree is edited.
  const target = `${dir}/${mutant.file}`;
  const original = await Deno.readTextFile(target).catch(() => undefined);
  const found = original === undefined ? 0 : occurrences(original, mutant.find);
  if (original === undefined || found === 0) {
    const why = original === undefined
      ? `${mutant.file} does not exist`
      : `its text no longer occurs in ${mutant.file}`;
    return { mutant, status: "STALE", detail: why, seconds: 0 };
  }
  if (found > 1) {
    return {
      mutant,
      status: "AMBIGUOUS",
      detail: `its text occurs ${found} times in ${mutant.file}`,
      seconds: 0,
    };
  }
  // Replaced as a string, not a pattern: "$&" in `replace` stays literal.
  const at = original.indexOf(mutant.find);
  const mutated = original.slice(0, at) + mutant.replace +
    original.slice(at + mutant.find.length);
  await Deno.writeTextFile(target, mutated);
  try {
    const run = await runSuite(dir, files, timeoutMs, filter);
    if (run.timedOut) {
      return {
        mutant,
        status: "KILLED",
        detail: `the suite hung (no end within ${timeoutMs / 1_000} s)`,
        seconds: run.seconds,
      };
    }
    if (run.ok) {
      return {
        mutant,
        status: "SURVIVED",
        detail: "every test passed",
        seconds: run.seconds,
      };
    }
    if (typeCheckFailed(run.output)) {
      return {
        mutant,
        status: "INVALID",
        detail: "the mutated code does not type-check",
        seconds: run.seconds,
      };
    }
    return {
      mutant,
      status: "KILLED",
      detail: `by ${firstFailure(run.output)}`,
      seconds: run.seconds,
    };
  } finally {
    await Deno.writeTextFile(target, original);
  }
}

function report(result: Result): void {
  const { mutant, status, detail, seconds } = result;
  say(
    `${
      status.padEnd(9)
    } ${mutant.id}  [${mutant.file}: ${mutant.description}]` +
      `  ${detail}  (${seconds.toFixed(1)} s)`,
  );
}

async function main(): Promise<number> {
  const started = performance.now();
  const jobs = Math.min(2, Math.max(1, Number(option("jobs") ?? 2) || 1));
  const listPath = option("list") ?? "testing/mutants.json";
  const only = listOption("only");
  const excluded = listOption("exclude-tests");
  const skipOption = option("skip");
  const skip = skipOption === undefined ? undefined : new RegExp(skipOption);
  let mutants = await readMutants(listPath);
  if (only.length > 0) {
    const unknown = only.filter((id) => !mutants.some((m) => m.id === id));
    if (unknown.length > 0) {
      say(`unknown mutant id(s): ${unknown.join(", ")}`);
      return 2;
    }
    mutants = mutants.filter((m) => only.includes(m.id));
  }
  const { tests, docs } = await suiteFiles(excluded);
  say(
    `mutants: ${mutants.length} from ${listPath}, ${jobs} at a time; ` +
      `suite: ${tests.length} test files and the doc tests of ${docs.length} modules` +
      (excluded.length ? ` (left out: ${excluded.join(", ")})` : "") +
      (skip === undefined ? "" : ` (skipping tests named ${skip})`),
  );

  const base = await Deno.makeTempDir({ prefix: "nursery-mutants-" });
  try {
    const dirs: string[] = [];
    for (let job = 0; job < jobs; job++) {
      dirs.push(`${base}/job${job}`);
      await copyTree(ROOT, dirs[job]);
    }
    const baselineLimit = Number(option("timeout") ?? 600) * 1_000;
    let filter: string[] = [];
    let baseline = await runSuite(
      dirs[0],
      [...tests, ...docs],
      baselineLimit,
      [],
      skip === undefined,
    );
    if (skip !== undefined && !baseline.timedOut) {
      const results = topLevelResults(baseline.output);
      const kept = [...results.keys()].filter((name) => !skip.test(name));
      const failing = kept.filter((name) => !results.get(name));
      if (failing.length > 0) {
        say(`baseline: "${failing[0]}" fails without any mutation`);
        return 1;
      }
      say(
        `baseline: ${results.size - kept.length} test(s) skipped, ` +
          `${kept.length} kept; checking the filter`,
      );
      // Doc tests are named by their job's path: the filter matches any.
      filter = [filterFor(kept, dirs[0])];
      baseline = await runSuite(
        dirs[0],
        [...tests, ...docs],
        baselineLimit,
        filter,
      );
      if (baseline.ok && passedCount(baseline.output) !== kept.length) {
        say(
          `baseline: the filter ran ${passedCount(baseline.output)} test(s), ` +
            `not ${kept.length}`,
        );
        return 1;
      }
    }
    if (!baseline.ok) {
      say(
        `baseline: the suite fails without any mutation, so no mutant can be ` +
          `judged: ${firstFailure(baseline.output)}` +
          (baseline.timedOut ? " (timed out)" : ""),
      );
      return 1;
    }
    const timeoutMs = option("timeout") !== undefined
      ? baselineLimit
      : Math.max(60_000, 3_000 * baseline.seconds);
    const files = [...fastestFirst(tests, baseline.output), ...docs];
    say(
      `baseline: passes in ${baseline.seconds.toFixed(1)} s; ` +
        `a mutant's suite may run ${(timeoutMs / 1_000).toFixed(0)} s`,
    );

    const results: Result[] = [];
    let next = 0;
    await Promise.all(dirs.map(async (dir) => {
      while (next < mutants.length) {
        const result = await judge(
          mutants[next++],
          dir,
          files,
          timeoutMs,
          filter,
        );
        results.push(result);
        report(result);
      }
    }));

    const count = (status: Status) =>
      results.filter((r) => r.status === status).length;
    const judged = results.filter((r) => r.seconds > 0);
    const mean = judged.reduce((sum, r) => sum + r.seconds, 0) /
      Math.max(1, judged.length);
    const total = (performance.now() - started) / 1_000;
    say("");
    say(
      `${count("KILLED")} killed, ${count("SURVIVED")} survived, ` +
        `${count("STALE")} stale, ${count("AMBIGUOUS")} ambiguous, ` +
        `${count("INVALID")} invalid, of ${results.length}`,
    );
    say(
      `total time ${total.toFixed(1)} s (baseline ${
        baseline.seconds.toFixed(1)
      } s, ${mean.toFixed(1)} s per judged mutant, ${jobs} job(s))`,
    );
    return results.every((r) => r.status === "KILLED") ? 0 : 1;
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

Deno.exit(await main());
