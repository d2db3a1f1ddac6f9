// Copyright 2026 the @nursery/nursery authors. MIT license.
// Run by bench/node_tax.ts under one Node binary, in a fresh process: the
// cost of plain promise code that never touches AsyncLocalStorage, measured
// twice before anything uses it (the second is the control: warm, same
// process) and once after one `als.run` (or one `Nursery.run`, with
// `nursery`), which on Node before 24 turns on async hooks for every promise;
// `explicit` runs the nursery after configureImplicitTree({ asyncContext:
// false }), which must leave the hooks off.
// Prints one JSON line of ns per awaited promise.
import { AsyncLocalStorage } from "node:async_hooks";

const what = process.argv[2] ?? "als";
const CHILDREN = 10_000;
const REPS = 15;

// Plain promise code: 10,000 async functions, each awaiting three times,
// joined with Promise.all. No AsyncLocalStorage anywhere in it.
async function child(i) {
  await null;
  await Promise.resolve(i);
  return i;
}
async function plain() {
  const all = [];
  for (let i = 0; i < CHILDREN; i++) all.push(child(i));
  await Promise.all(all);
}

async function measure() {
  const times = [];
  for (let r = 0; r < REPS; r++) {
    const start = process.hrtime.bigint();
    await plain();
    times.push(Number(process.hrtime.bigint() - start) / CHILDREN);
  }
  times.sort((a, b) => a - b);
  return times[REPS >> 1];
}

for (let i = 0; i < 20; i++) await plain(); // warm the JIT first
const before = await measure();
const control = await measure();
if (what === "nursery") {
  const { Nursery } = await import("../dist/mod.js");
  await Nursery.run((n) => {
    n.startSoon(async () => {});
  });
} else if (what === "explicit") {
  // The switch for a program that passes its signals by hand.
  const { configureImplicitTree, Nursery } = await import("../dist/mod.js");
  configureImplicitTree({ asyncContext: false });
  await Nursery.run((n) => {
    n.startSoon(async () => {});
  });
} else if (what === "als") {
  new AsyncLocalStorage().run({}, () => {});
}
const after = await measure();
console.log(JSON.stringify({ what, before, control, after }));
