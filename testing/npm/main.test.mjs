// Copyright 2026 the @nursery/nursery authors. MIT license.
// main() on the compiled JavaScript: testing/main_child.mjs runs under this
// very runtime (Node or Bun, process.execPath) and receives real signals.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "./harness.mjs";

const CHILD = fileURLToPath(new URL("../main_child.mjs", import.meta.url));
const LIBRARY = new URL("../../dist/mod.js", import.meta.url).href;
const ASYNC_HOOKS_NOTICE = /^@nursery\/nursery: this Node\.js builds .*\n/m;

/** Starts the program; `waitFor(text)` and `ended` follow its output. */
function program(scenario) {
  const child = spawn(process.execPath, [CHILD, LIBRARY, scenario], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const output = { stdout: "", stderr: "" };
  let waiters = [];
  for (const stream of ["stdout", "stderr"]) {
    child[stream].setEncoding("utf8");
    child[stream].on("data", (text) => {
      output[stream] += text;
      waiters = waiters.filter((waiter) => {
        if (waiter.stream !== stream || !output[stream].includes(waiter.text)) {
          return true;
        }
        waiter.resolve();
        return false;
      });
    });
  }
  const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const ended = new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      // Node before 24 says once that its async hooks tax the process
      // (tree_notice.test.mjs tests that line): the rest is main()'s.
      const stderr = output.stderr.replace(ASYNC_HOOKS_NOTICE, "");
      resolve({ code, signal, stdout: output.stdout, stderr });
    });
  });
  return {
    kill: (signal) => child.kill(signal),
    ended,
    waitFor(text, stream = "stdout") {
      if (output[stream].includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ stream, text, resolve });
        ended.then((result) =>
          reject(new Error(`ended before ${text}: ${JSON.stringify(result)}`))
        );
      });
    },
  };
}

test("main(): SIGINT cancels, every finally runs, the program exits with 130", async () => {
  const child = program("services");
  await child.waitFor("ready");
  child.kill("SIGINT");
  const result = await child.ended;
  assert.equal(result.code, 130);
  assert.match(
    result.stdout,
    /finally: server \(Program "services-program" received SIGINT\)/,
  );
  assert.match(result.stdout, /finally: worker/);
  assert.match(result.stderr, /Received SIGINT: cancelling "services-program"/);
});

test("main(): SIGTERM cancels and the program exits with 143", async () => {
  const child = program("services");
  await child.waitFor("ready");
  child.kill("SIGTERM");
  const result = await child.ended;
  assert.equal(result.code, 143);
  assert.match(result.stdout, /finally: server/);
});

test("main(): a second SIGINT prints the live tasks and exits at once with 130", async () => {
  const child = program("stubborn");
  await child.waitFor("ready");
  child.kill("SIGINT");
  await child.waitFor("Received SIGINT", "stderr");
  await child.waitFor("finally: server");
  child.kill("SIGINT");
  const result = await child.ended;
  assert.equal(result.code, 130);
  assert.match(result.stderr, /nursery "stubborn-program" cancelling .*outer/);
  assert.match(result.stderr, /task "stubborn" running/);
  assert.doesNotMatch(result.stdout, /finally: stubborn/);
});

test("main(): a failure prints every child's stack and sets exit code 1", async () => {
  const result = await program("failing").ended;
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: MultiError: 2 tasks failed/);
  assert.match(result.stderr, /\[db\] Error: db down\n\s+at .*main_child\.mjs/);
  assert.match(
    result.stderr,
    /\[cache\] TypeError: could not flush cache\n\s+at /,
  );
  assert.match(result.stdout, /finally: bystander/);
});

test("main(): success exits 0 and prints nothing of the body's value", async () => {
  const result = await program("succeeding").ended;
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "main resolved with 0\n");
  assert.equal(result.stderr, "");
});

test("main(): its listeners are gone once it ended; SIGINT kills as usual", async () => {
  const child = program("afterwards");
  await child.waitFor("ready");
  child.kill("SIGINT");
  const result = await child.ended;
  assert.equal(result.signal, "SIGINT");
  assert.equal(result.stderr, "");
});
