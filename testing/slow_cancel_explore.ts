// Copyright 2026 the @nursery/nursery authors. MIT license.
// Runs the slow-cancel watch model (slow_cancel_model.ts) over many seeds and
// groups what it finds, with the first seeds of each kind:
//   deno run --import-map=testing/offline_std/import_map.json --allow-read \
//     --allow-env testing/slow_cancel_explore.ts <from> <count> [v]
// AFTERS=0,1,5 and MAXSTUCK=30 vary the generator; `v` prints each failing
// seed's events and reports.
import { duplicates, generate, runScenario } from "./slow_cancel_model.ts";

const from = Number(Deno.args[0] ?? 0);
const count = Number(Deno.args[1] ?? 100);
const verbose = Deno.args[2] === "v";
const afters = Deno.env.get("AFTERS")?.split(",").map(Number);
const maxStuck = Number(Deno.env.get("MAXSTUCK") ?? 9);
const kinds = new Map<string, number[]>();
for (let seed = from; seed < from + count; seed++) {
  const scenario = generate(seed, { afters, maxStuck });
  const outcome = await runScenario(scenario);
  const all = [...outcome.violations, ...duplicates(scenario, outcome)];
  for (const v of all) {
    const key = v.replace(/^at \d+: /, "").replace(/[0-9]+/g, "#").slice(0, 70);
    if (!kinds.has(key)) kinds.set(key, []);
    kinds.get(key)!.push(seed);
  }
  if (verbose && all.length > 0) {
    console.log(`seed ${seed}:`, JSON.stringify(scenario));
    console.log(outcome.log.join("\n"));
    console.log(all.join("\n"));
  }
}
for (const [kind, seeds] of kinds) {
  console.log(seeds.length, kind, seeds.slice(0, 8).join(","));
}
console.log(`${count} seeds from ${from}`);
