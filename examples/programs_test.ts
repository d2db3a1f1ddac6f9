// Copyright 2026 the @nursery/nursery authors. MIT license.
// The README's programs, run as programs: real processes, real signals.
import { assert, assertEquals } from "@std/assert";
import { ChildProgram } from "../testing/child_program.ts";

function run(example: string): ChildProgram {
  const path = new URL(example, import.meta.url).pathname;
  return new ChildProgram(Deno.execPath(), ["run", "--quiet", path]);
}

Deno.test("example program: Ctrl-C cancels both tasks, each cleans up, exit 130", async () => {
  await using child = run("./program.ts");
  await child.waitFor("ready: press Ctrl-C to stop");
  child.kill("SIGINT");
  const { code, stdout, stderr } = await child.ended();
  assertEquals(code, 130);
  assertEquals(stdout.split("\n").slice(1).sort(), [
    "",
    "flushMetrics: final flush",
    "serveRequests: listener closed",
  ]);
  assert(stderr.startsWith('Received SIGINT: cancelling "server"'), stderr);
});

Deno.test("example dump_on_signal: SIGUSR2 prints the live tree, the hang included", async () => {
  await using child = run("./dump_on_signal.ts");
  await child.waitFor("ready: kill -USR2");
  child.kill("SIGUSR2");
  await child.waitFor('task "heartbeat" running', "stderr");
  const dump = child.output.stderr.replace(/\d+ms/g, "…ms");
  assertEquals(dump.split("\n").slice(0, 3), [
    'nursery "worker" open …ms',
    '  task "awaitReply" running …ms',
    '  task "heartbeat" running …ms',
  ]);
  // Ctrl-C cancels the heartbeat; the hung task ignores it, so a second
  // Ctrl-C shows what is left and exits.
  child.kill("SIGINT");
  await child.waitFor("Received SIGINT", "stderr");
  child.kill("SIGINT");
  const { code, stderr } = await child.ended();
  assertEquals(code, 130);
  assert(
    /nursery "worker" cancelling \d+ms \(cancelled \d+ms ago: outer\)\n {2}task "awaitReply" running/
      .test(stderr),
    stderr,
  );
  assert(!stderr.includes("Debugger listening"), stderr);
});
