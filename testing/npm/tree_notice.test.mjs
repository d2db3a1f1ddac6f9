// Copyright 2026 the @nursery/nursery authors. MIT license.
// The async-hooks notice on the compiled JavaScript, in a fresh process of
// this very runtime: said once where Node builds AsyncLocalStorage on async
// hooks (before 24, unless run with --experimental-async-context-frame),
// never on Bun or Node 24+, and not after configureImplicitTree chose.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "./harness.mjs";

const LIBRARY = new URL("../../dist/mod.js", import.meta.url).href;
const NOTICE = "builds AsyncLocalStorage on async hooks";

/** Runs two nurseries in a fresh process after `setup`; returns its stderr. */
function stderrOf(setup, flags = [], preamble = "") {
  const script = `
    ${preamble}
    const { configureImplicitTree, Nursery } = await import(${
    JSON.stringify(LIBRARY)
  });
    ${setup}
    for (let i = 0; i < 2; i++) {
      await Nursery.run((nursery) => { nursery.startSoon(async () => {}); });
    }
    console.log("done");
  `;
  const child = spawnSync(
    process.execPath,
    [...flags, "--input-type=module", "-e", script],
    { encoding: "utf8", timeout: 20_000 },
  );
  assert.equal(child.stdout.trim(), "done", child.stderr);
  return child.stderr;
}

function count(text, part) {
  return text.split(part).length - 1;
}

const major = Number(process.versions.node.split(".")[0]);
const onAsyncHooks = !globalThis.Bun && major < 24;

test("the async-hooks notice: once where Node runs AsyncLocalStorage on async hooks, never elsewhere", () => {
  assert.equal(count(stderrOf(""), NOTICE), onAsyncHooks ? 1 : 0);
  if (onAsyncHooks && major >= 22) {
    const framed = stderrOf("", ["--experimental-async-context-frame"]);
    assert.equal(count(framed, NOTICE), 0);
  }
});

test("the async-hooks notice: said too where the storage comes from the dynamic import", () => {
  // As on Node before 20.16 and 22.3, which have no getBuiltinModule.
  const stderr = stderrOf(
    "await new Promise((resolve) => setTimeout(resolve, 10));",
    [],
    "process.getBuiltinModule = undefined;",
  );
  assert.equal(count(stderr, NOTICE), onAsyncHooks ? 1 : 0);
});

test("the async-hooks notice: not said after configureImplicitTree chose", () => {
  assert.equal(
    count(stderrOf("configureImplicitTree({ warn: false });"), NOTICE),
    0,
  );
  assert.equal(
    count(stderrOf("configureImplicitTree({ asyncContext: false });"), NOTICE),
    0,
  );
});
