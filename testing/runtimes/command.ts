// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Runs a program and gives back what it printed: the one way the
 * cross-runtime scripts start a child process.
 *
 * @module
 */

/** What {@linkcode runCommand} returns. */
export interface CommandResult {
  /** The exit status was 0. */
  ok: boolean;
  /** Standard output and standard error, interleaved as they arrived. */
  output: string;
}

/** Options for {@linkcode runCommand}. */
export interface RunCommandOptions {
  /** The working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Echo the output as it arrives. @default {false} */
  echo?: boolean;
  /** Kill the child after this many milliseconds. @default {600000} */
  timeoutMs?: number;
}

/** Runs `program` with `args` to completion. */
export async function runCommand(
  program: string,
  args: string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const { cwd, env = {}, echo = false, timeoutMs = 600_000 } = options;
  const child = new Deno.Command(program, {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    output += `\n(killed after ${timeoutMs} ms)\n`;
    child.kill("SIGKILL");
  }, timeoutMs);
  let output = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      if (echo) await Deno.stderr.write(chunk);
    }
  };
  try {
    const [status] = await Promise.all([
      child.status,
      pump(child.stdout),
      pump(child.stderr),
    ]);
    return { ok: status.success, output };
  } finally {
    clearTimeout(timer);
  }
}
