// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task bench:node-tax` (issue #12, "Node before 24"): what
 * AsyncLocalStorage costs code that never uses it, once something in the
 * process has (one `als.run`, or this library's first `Nursery.run`), on each
 * Node binary given, with and without `--experimental-async-context-frame`.
 * Each row is the median over fresh processes of (after / control), where the
 * control is the same warm measurement taken just before.
 *
 * Node binaries come from `NODE_BINS` (colon-separated paths), by default the
 * system `node` and the npm packages `node@22` and `node@24` installed with
 * `npm install --prefix /tmp/node22 node@22` (and 24). The `nursery` rows
 * need the compiled package in `dist/` (`deno task build:npm`).
 *
 * ```sh
 * deno run --allow-read --allow-run --allow-env bench/node_tax.ts [PROCESSES]
 * ```
 *
 * @module
 */
const bins = (Deno.env.get("NODE_BINS") ??
  "node:/tmp/node22/node_modules/node/bin/node:/tmp/node24/node_modules/node/bin/node")
  .split(":");
const processes = Number(Deno.args[0] ?? 5);
const script = new URL("./node_tax.mjs", import.meta.url).pathname;

interface Result {
  before: number;
  control: number;
  after: number;
}

async function once(
  bin: string,
  flags: string[],
  what: string,
): Promise<Result> {
  const { code, stdout, stderr } = await new Deno.Command(bin, {
    args: [...flags, script, what],
  }).output();
  if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

async function version(bin: string): Promise<string> {
  const { stdout } = await new Deno.Command(bin, { args: ["--version"] })
    .output();
  return new TextDecoder().decode(stdout).trim();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const configs: { bin: string; name: string; flags: string[] }[] = [];
for (const bin of bins) {
  const v = await version(bin);
  configs.push({ bin, name: v, flags: [] });
  const major = Number(v.slice(1).split(".")[0]);
  if (major === 22) {
    configs.push({
      bin,
      name: `${v} --experimental-async-context-frame`,
      flags: ["--experimental-async-context-frame"],
    });
  }
}
const rows = new Map<string, Result[]>();
// Interleaved: one process of each configuration per pass.
for (let pass = 0; pass < processes; pass++) {
  for (const config of configs) {
    for (const what of ["als", "nursery", "explicit"]) {
      const key = `${config.name}|${what}`;
      if (!rows.has(key)) rows.set(key, []);
      rows.get(key)!.push(await once(config.bin, config.flags, what));
    }
  }
}
console.log(
  `Plain promise code (10,000 async functions x 2 awaits, Promise.all), ns per ` +
    `function, medians of ${processes} fresh processes each\n`,
);
console.log(
  "| Node | used first | control / before | after / control (the tax) | ns before -> after |\n" +
    "| --- | --- | ---: | ---: | --- |",
);
for (const [key, results] of rows) {
  const [name, what] = key.split("|");
  const drift = median(results.map((r) => r.control / r.before));
  const tax = median(results.map((r) => r.after / r.control));
  const used = {
    als: "one `als.run`",
    nursery: "one `Nursery.run` (dist/)",
    explicit:
      "`configureImplicitTree({ asyncContext: false })`, one `Nursery.run`",
  }[what];
  console.log(
    `| ${name} | ${used} | ${drift.toFixed(2)}x | **${tax.toFixed(2)}x** | ${
      Math.round(median(results.map((r) => r.control)))
    } -> ${Math.round(median(results.map((r) => r.after)))} |`,
  );
}
