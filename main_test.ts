// Copyright 2026 the @nursery/nursery authors. MIT license.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
} from "@std/assert";
import { Cancelled, main } from "./mod.ts";
import type { Host, ProgramSignal } from "./_host.ts";
import { runProgram } from "./_program.ts";
import { ChildProgram } from "./testing/child_program.ts";

/** Fails unless `text` holds `expected` (a string, or a match of a pattern). */
function assertHas(text: string, expected: string | RegExp): void {
  assert(
    typeof expected === "string"
      ? text.includes(expected)
      : expected.test(text),
    `Expected ${
      typeof expected === "string" ? JSON.stringify(expected) : expected
    } in:\n${text}`,
  );
}

// A stack frame's line: V8's "    at f (file:1:2)", SpiderMonkey's and
// JavaScriptCore's "f@file:1:2".
const FRAME = String.raw`\s*(at .*|.*@.*):\d+:\d+\)?(\n|$)`;

// The child programs: real processes that receive real signals.
const CHILD = new URL("./testing/main_child.mjs", import.meta.url).pathname;
const LIBRARY = new URL("./mod.ts", import.meta.url).href;

function program(scenario: string): ChildProgram {
  return new ChildProgram(Deno.execPath(), [
    "run",
    "--quiet",
    "--no-prompt",
    // To import the library, which the program does by its path.
    `--allow-read=${new URL(".", import.meta.url).pathname}`,
    CHILD,
    LIBRARY,
    scenario,
  ]);
}

Deno.test("main() cancels on SIGINT, runs every finally, and exits with 130 once they ended", async () => {
  await using child = program("services");
  await child.waitFor("ready");
  child.kill("SIGINT");
  const result = await child.ended();
  assertEquals(result.code, 130);
  assertEquals(result.signal, null); // it exited; the signal did not kill it
  assertHas(
    result.stdout,
    'finally: server (Program "services-program" received SIGINT)',
  );
  assertHas(
    result.stdout,
    'finally: worker (Program "services-program" received SIGINT)',
  );
  assertHas(
    result.stderr,
    'Received SIGINT: cancelling "services-program"',
  );
  // The program ended when its tasks did, without reaching past main(),
  // although a timer outside the nursery would have kept it alive.
  assert(!result.stdout.includes("main resolved"));
});

Deno.test("main() cancels on SIGTERM and exits with 143", async () => {
  await using child = program("services");
  await child.waitFor("ready");
  child.kill("SIGTERM");
  const result = await child.ended();
  assertEquals(result.code, 143);
  assertHas(result.stdout, "finally: server");
  assertHas(result.stdout, "finally: worker");
  assertHas(result.stderr, "Received SIGTERM");
});

Deno.test("main() prints the live tasks and exits at once on a second SIGINT", async () => {
  await using child = program("stubborn");
  await child.waitFor("ready");
  child.kill("SIGINT");
  // The well-behaved task is done; the stubborn one holds the program open.
  await child.waitFor("finally: server");
  await child.waitFor("Received SIGINT", "stderr");
  child.kill("SIGINT");
  const result = await child.ended();
  assertEquals(result.code, 130);
  assertHas(result.stderr, "Received SIGINT again: exiting now");
  assertHas(result.stderr, /nursery "stubborn-program" cancelling/);
  assertHas(result.stderr, /task "stubborn" running/);
  // Exited at once: the stubborn task never reached its finally.
  assert(!result.stdout.includes("finally: stubborn"));
});

Deno.test("main() prints every child's stack for a failure and exits with 1", async () => {
  await using child = program("failing");
  const result = await child.ended();
  assertEquals(result.code, 1);
  assertHas(result.stderr, "error: MultiError: 2 tasks failed");
  // Each child's stack, labelled with its task, frames included.
  assertHas(result.stderr, /\[db\] Error: db down\n\s+at .*main_child\.mjs/);
  assertHas(
    result.stderr,
    /\[cache\] TypeError: could not flush cache\n\s+at .*main_child\.mjs/,
  );
  // The sibling was cancelled, and cleaned up, before the program ended.
  assertHas(result.stdout, "finally: bystander");
  assertHas(result.stdout, "main resolved with 1");
});

Deno.test("main() exits 0 on success and does not print the body's value", async () => {
  await using child = program("succeeding");
  const result = await child.ended();
  assertEquals(result.code, 0);
  assertEquals(result.stdout, "main resolved with 0\n");
  assertEquals(result.stderr, "");
});

Deno.test("main() removes its signal listeners when it ends", async () => {
  await using child = program("afterwards");
  await child.waitFor("ready");
  child.kill("SIGINT");
  const result = await child.ended();
  // The runtime's own handling again: killed by the signal, nothing printed.
  assertEquals(result.signal, "SIGINT");
  assertEquals(result.stderr, "");
});

/** A process that records what `main()` asks of it. */
class FakeHost implements Host {
  readonly listeners = new Map<ProgramSignal, () => void>();
  exitCode: number | undefined;
  exited: number[] = [];
  #exitWith: (code: number) => void = () => {};
  readonly exit = (code: number) => {
    this.exited.push(code);
    this.#exitWith(code);
  };

  listen(signal: ProgramSignal, listener: () => void): () => void {
    this.listeners.set(signal, listener);
    return () => this.listeners.delete(signal);
  }
  setExitCode(code: number): void {
    this.exitCode = code;
  }
  send(signal: ProgramSignal): void {
    this.listeners.get(signal)?.();
  }
  /** Resolves with the code of the next `exit()`. */
  nextExit(): Promise<number> {
    return new Promise((resolve) => this.#exitWith = resolve);
  }
}

/** Captures console.error while in scope. */
function captureErrors(): { lines: string[] } & Disposable {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.join(" "));
  return {
    lines,
    [Symbol.dispose]() {
      console.error = original;
    },
  };
}

Deno.test("main() listens for SIGINT and SIGTERM only while its nursery runs", async () => {
  const host = new FakeHost();
  let during: ProgramSignal[] = [];
  const status = await runProgram(
    () => {
      during = [...host.listeners.keys()];
    },
    {},
    host,
  );
  assertEquals(status, 0);
  assertEquals(during, ["SIGINT", "SIGTERM"]);
  assertEquals(host.listeners.size, 0);
  assertEquals(host.exitCode, undefined); // success leaves the code alone
  assertEquals(host.exited, []);
});

Deno.test("main() cancels with a Cancelled naming the signal, and exits once its tasks end", async () => {
  using errors = captureErrors();
  const host = new FakeHost();
  const exited = host.nextExit();
  let reason: unknown;
  let cleanedUpBeforeExit = false;
  runProgram(
    async (nursery) => {
      nursery.startSoon(async ({ signal }) => {
        await new Promise((resolve) =>
          signal.addEventListener("abort", resolve)
        );
        reason = signal.reason;
        await Promise.resolve();
        cleanedUpBeforeExit = host.exited.length === 0;
      });
      await Promise.resolve();
      host.send("SIGTERM");
    },
    { name: "server" },
    host,
  );
  assertEquals(await exited, 143);
  assert(cleanedUpBeforeExit);
  assertInstanceOf(reason, Cancelled);
  assertEquals(reason.message, 'Program "server" received SIGTERM');
  assertEquals(reason.origin, "outer");
  assertEquals(reason.path, ["server"]);
  assertEquals(host.listeners.size, 0);
  assertEquals(errors.lines, [
    'Received SIGTERM: cancelling "server" (send SIGTERM again to print the live tasks and exit at once)',
  ]);
});

Deno.test("main() reports a failure during a signal's cancellation, and exits with 1", async () => {
  using errors = captureErrors();
  const host = new FakeHost();
  const exited = host.nextExit();
  runProgram(
    (nursery) => {
      nursery.startSoon(async ({ signal }) => {
        await new Promise((resolve) =>
          signal.addEventListener("abort", resolve)
        );
        throw new Error("cleanup failed");
      });
      setTimeout(() => host.send("SIGINT"), 0);
    },
    {},
    host,
  );
  assertEquals(await exited, 1);
  assertHas(
    errors.lines[1],
    new RegExp(`^error: Error: cleanup failed\n${FRAME}`),
  );
});

Deno.test("main() also stops for its own signal option, as a failure", async () => {
  using errors = captureErrors();
  const host = new FakeHost();
  const controller = new AbortController();
  const pending = runProgram(
    async (nursery) => {
      await new Promise((resolve) =>
        nursery.signal.addEventListener("abort", resolve)
      );
    },
    { signal: controller.signal },
    host,
  );
  controller.abort(new Error("shut down by the caller"));
  assertEquals(await pending, 1);
  assertEquals(host.exitCode, 1);
  assertEquals(host.exited, []);
  assertHas(errors.lines[0], /^error: Error: shut down by the caller/);
});

Deno.test("main() prints a MultiError with every child's stack, and its causes", async () => {
  using errors = captureErrors();
  const host = new FakeHost();
  const status = await runProgram(
    (nursery) => {
      nursery.startSoon(() => {
        throw new Error("a", { cause: new Error("root cause") });
      }, { name: "one" });
      nursery.startSoon(() => {
        throw "a string";
      }, { name: "two" });
    },
    {},
    host,
  );
  assertEquals(status, 1);
  assertEquals(host.exitCode, 1);
  const [printed] = errors.lines;
  assertHas(printed, /^error: MultiError: 2 tasks failed/);
  assertHas(printed, new RegExp(`\\[one\\] Error: a\n${FRAME}`));
  assertHas(printed, "[two] a string");
  const single = await runProgram(
    () => {
      throw new Error("outer", { cause: new Error("inner") });
    },
    {},
    host,
  );
  assertEquals(single, 1);
  assertHas(
    errors.lines[1],
    /^error: Error: outer\n[^]*\nCaused by: Error: inner/,
  );
});

Deno.test("main() prints a failure whose stack holds only frames, as Firefox's does, with its name and message first", async () => {
  using errors = captureErrors();
  const host = new FakeHost();
  const framesOnly = (message: string) => {
    const error = new TypeError(message);
    error.stack = "body@file:///app.js:1:1\n";
    return error;
  };
  assertEquals(
    await runProgram(() => Promise.reject(framesOnly("alone")), {}, host),
    1,
  );
  assertHas(errors.lines[0], /^error: TypeError: alone\nbody@file:/);
  await runProgram(
    (nursery) => {
      nursery.startSoon(() => Promise.reject(framesOnly("one")), { name: "a" });
      nursery.startSoon(() => Promise.reject(framesOnly("two")), { name: "b" });
    },
    {},
    host,
  );
  assertHas(errors.lines[1], /\[a\] TypeError: one\n\s+body@file:/);
});

Deno.test("main() without a process (a browser) runs the body, without signals", async () => {
  using errors = captureErrors();
  let ran = false;
  assertEquals(await runProgram(() => void (ran = true), {}, undefined), 0);
  assert(ran);
  assertEquals(
    await runProgram(
      () => Promise.reject(new RangeError("bad")),
      {},
      undefined,
    ),
    1,
  );
  assertHas(errors.lines[0], /^error: RangeError: bad/);
});

Deno.test('main() names its nursery after the body, else "main"', async () => {
  const names: string[] = [];
  await main(function importJob(nursery) {
    names.push(nursery.name);
  });
  await main((nursery) => void names.push(nursery.name));
  await main((nursery) => void names.push(nursery.name), { name: "given" });
  assertEquals(names, ["importJob", "main", "given"]);
});

Deno.test("main() rejects bad input with a TypeError or RangeError naming the parameter", async () => {
  const host = new FakeHost();
  const cases: [unknown, unknown, typeof TypeError, string][] = [
    [undefined, {}, TypeError, "Cannot run main as 'body' must be a function"],
    [() => {}, 7, TypeError, "Cannot run main as 'options' must be an object"],
    [
      () => {},
      { signal: 1 },
      TypeError,
      "'options.signal' must be an AbortSignal",
    ],
    [
      () => {},
      { timeout: -1 },
      RangeError,
      "'options.timeout' must be a non-negative",
    ],
    [
      () => {},
      { concurrency: 0 },
      RangeError,
      "'options.concurrency' must be a positive",
    ],
  ];
  for (const [body, options, ErrorClass, message] of cases) {
    const error = await assertRejects(
      () => runProgram(body as () => void, options as object, host),
      ErrorClass,
    );
    assertHas(error.message, message);
    // Rejected before listening: nothing to remove, nothing printed.
    assertEquals(host.listeners.size, 0);
    assertEquals(host.exitCode, undefined);
  }
  await assertRejects(() => main(null as unknown as () => void), TypeError);
});
