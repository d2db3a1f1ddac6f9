// Copyright 2026 the @nursery/nursery authors. MIT license.
// A small program run by main_test.ts (under Deno) and testing/npm/main.test.mjs
// (under Node and Bun) in a child process, to receive real signals.
//   <runtime> testing/main_child.mjs <module> <scenario>
// <module> is the library to import (../mod.ts for Deno, ../dist/mod.js for
// the compiled JavaScript). It prints "ready" once its tasks run.
const [modulePath, scenario] = globalThis.Deno?.args ??
  globalThis.process.argv.slice(2);
const { main } = await import(modulePath);

/** Resolves after `ms`, or rejects when `signal` aborts; never keeps a timer. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A task that runs until it is cancelled, and says so in its `finally`. */
function service(name) {
  return async ({ signal }) => {
    try {
      await sleep(60_000, signal);
    } finally {
      console.log(`finally: ${name} (${signal.reason?.message})`);
    }
  };
}

const scenarios = {
  // Ctrl-C or SIGTERM: both services clean up, the program exits.
  services(nursery) {
    nursery.startSoon(service("server"), { name: "server" });
    nursery.startSoon(service("worker"), { name: "worker" });
    console.log("ready");
  },
  // One task ignores its signal: only a second Ctrl-C ends the program.
  stubborn(nursery) {
    nursery.startSoon(service("server"), { name: "server" });
    nursery.startSoon(async () => {
      try {
        await sleep(60_000); // no signal: cancellation cannot reach it
      } finally {
        console.log("finally: stubborn");
      }
    }, { name: "stubborn" });
    console.log("ready");
  },
  // Two tasks fail: a MultiError, printed with both stacks; a third is
  // cancelled and cleans up.
  async failing(nursery) {
    nursery.startSoon(service("bystander"), { name: "bystander" });
    nursery.startSoon(async function db() {
      await sleep(5);
      throw new Error("db down");
    });
    nursery.startSoon(async function cache() {
      await sleep(5);
      throw new TypeError("could not flush cache");
    });
    console.log("ready");
    await sleep(60_000, nursery.signal);
  },
  // Success: the body's value is not printed; what follows main() runs.
  succeeding(nursery) {
    nursery.startSoon(() => sleep(5), { name: "short" });
    return "the body's value";
  },
};

if (scenario === "services") {
  // Something outside the nursery that would keep the process alive: after
  // a signal, main() exits anyway once its tasks have ended.
  setTimeout(() => {}, 60_000);
}
const body = scenarios[scenario] ?? scenarios.succeeding;
const status = await main(body, { name: `${scenario}-program` });
// Reached only when no signal ended the program.
console.log(`main resolved with ${status}`);
if (scenario === "afterwards") {
  // main() has removed its listeners: Ctrl-C now kills the process outright.
  console.log("ready");
  await sleep(60_000);
}
