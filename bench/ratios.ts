// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Ratios to each group's baseline from one or more `deno bench --json` runs,
 * as a Markdown table: for each case, the ratio of averages in every run, and
 * the ratio of p75s (less moved by a GC pause in one iteration). Several runs
 * side by side show how much a ratio moves on a noisy machine.
 *
 * ```sh
 * deno bench --json --allow-read --allow-env bench/ > run1.json
 * deno run --allow-read bench/ratios.ts run1.json run2.json
 * ```
 *
 * @module
 */

interface Stats {
  n: number;
  avg: number;
  min: number;
  p75: number;
}
interface Bench {
  group: string | null;
  name: string;
  baseline: boolean;
  results: { ok?: Stats }[];
}
interface Run {
  runtime: string;
  cpu: string;
  benches: Bench[];
}

const runs: Run[] = Deno.args.map((path) =>
  JSON.parse(Deno.readTextFileSync(path))
);
if (runs.length === 0) {
  console.error("usage: deno run --allow-read bench/ratios.ts RUN.json...");
  Deno.exit(2);
}

const ratio = (x: number) => `${x.toFixed(2)}x`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? s[(s.length - 1) / 2]
    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(`${runs[0].runtime}, ${runs[0].cpu}; ${runs.length} run(s)\n`);
console.log(
  "| group | case | avg ratio per run | median | p75 ratio per run |\n| --- | --- | --- | ---: | --- |",
);
for (const bench of runs[0].benches) {
  if (bench.baseline || bench.group === null) continue;
  const avg: number[] = [];
  const p75: number[] = [];
  for (const run of runs) {
    // Matched by group and name: the runs may cover different files.
    const same = run.benches.find((b) =>
      b.group === bench.group && b.name === bench.name
    );
    if (same === undefined) continue;
    const base = run.benches.find((b) => b.group === same.group && b.baseline);
    const a = same.results[0]?.ok;
    const b = base?.results[0]?.ok;
    if (a === undefined || b === undefined) continue;
    avg.push(a.avg / b.avg);
    p75.push(a.p75 / b.p75);
  }
  if (avg.length === 0) continue;
  console.log(
    `| ${bench.group} | ${bench.name} | ${avg.map(ratio).join(", ")} | ${
      ratio(median(avg))
    } | ${p75.map(ratio).join(", ")} |`,
  );
}

// Linearity: nanoseconds per child, for groups named "..., N = 10,000".
const sized = runs[0].benches.filter((b) => /N = [\d,]+$/.test(b.group ?? ""));
if (sized.length > 0) {
  console.log(
    "\nns per child (avg / N), per run; flat across N means linear\n\n" +
      "| group | case | ns per child |\n| --- | --- | --- |",
  );
  for (const bench of sized) {
    const n = Number(
      /N = ([\d,]+)$/.exec(bench.group!)![1].replaceAll(",", ""),
    );
    const perChild = runs.map((run) =>
      run.benches.find((b) => b.group === bench.group && b.name === bench.name)
        ?.results[0]?.ok
    ).filter((s) => s !== undefined).map((s) => Math.round(s.avg / n));
    console.log(`| ${bench.group} | ${bench.name} | ${perChild.join(", ")} |`);
  }
}
