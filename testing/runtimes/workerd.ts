// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Runs the workerd bundle in workerd (from npm), with the compatibility
 * flags of the matrix row: serves it on a free local port, asks it once,
 * and reads the report it answers with.
 *
 * @module
 */
import { executable, type Runtime } from "./matrix.ts";
import { PROJECT } from "./project.ts";
import type { SuiteResult } from "./result.ts";
import { readReport } from "./browser.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function config(
  bundle: string,
  port: number,
  flags: string[],
  date: string,
): string {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .suite)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const suite :Workerd.Worker = (
  modules = [(name = "suite.mjs", esModule = embed ${
    // Relative to this file, which sits beside the bundle.
    JSON.stringify(bundle.split("/").pop())})],
  compatibilityDate = "${date}",
  compatibilityFlags = ${JSON.stringify(flags)},
);
`;
}

async function ask(url: string, until: number): Promise<string> {
  for (;;) {
    try {
      const response = await fetch(url);
      return await response.text();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Runs `bundle` in workerd with the row's compatibility flags. */
export async function runInWorkerd(
  runtime: Runtime,
  bundle: string,
): Promise<SuiteResult> {
  const workerd = executable(runtime);
  const port = freePort();
  const file = `${PROJECT}suites/workerd-${runtime.flags.join("-")}.capnp`;
  await Deno.writeTextFile(
    file,
    config(bundle, port, runtime.flags, runtime.compatibilityDate!),
  );
  const child = new Deno.Command(workerd, {
    args: ["serve", file, "--experimental"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  let report = "";
  try {
    report = await ask(`http://127.0.0.1:${port}/`, Date.now() + 20_000);
  } catch (error) {
    report = `no answer: ${(error as Error).message}`;
  } finally {
    try {
      child.kill("SIGTERM");
    } catch {
      // It had already exited; its output says why.
    }
    await child.status;
  }
  const output = `${(await logs).join("\n")}\nnursery-report: ${report}\n`;
  // workerd --version prints only a date; the npm version says more.
  const version = runtime.source.from === "npm" ? runtime.source.version : "?";
  return { version, ...readReport(output, "nursery-report:"), output };
}
