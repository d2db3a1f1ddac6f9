// Copyright 2026 the @nursery/nursery authors. MIT license.
// What `main()` does, with the process it runs in passed in, so that a test
// can hand it a fake one (or none, as in a browser).
import { dumpTasks } from "./dump_tasks.ts";
import { Cancelled } from "./errors.ts";
import { Nursery } from "./nursery.ts";
import { functionName, headedStack } from "./_inspect.ts";
import type { Host, ProgramSignal } from "./_host.ts";
import type { NurseryRunOptions } from "./types.ts";
import { checkFunction, checkOptions, checkRunOptions } from "./_validate.ts";

const SIGNALS: readonly ProgramSignal[] = ["SIGINT", "SIGTERM"];

// A shell reports a process killed by signal N as 128 + N; a program that
// ends because of the signal, after cleaning up, says the same.
const STATUS_ON: Record<ProgramSignal, number> = { SIGINT: 130, SIGTERM: 143 };

// How far to follow `cause` links when printing a failure.
const MAX_CAUSES = 8;

/**
 * Runs `body` as a program's root nursery in `host`: its signals cancel it,
 * a second one dumps the live tasks and exits; resolves with the exit
 * status, or ends the process once a signal's cancellation has finished.
 */
export function runProgram<T>(
  body: (nursery: Nursery) => T | PromiseLike<T>,
  options: NurseryRunOptions,
  host: Host | undefined,
): Promise<number> {
  try {
    checkFunction(body, "run main", "body");
    checkOptions(options, "run main");
    checkRunOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  const name = options.name ?? (functionName(body) || "main");
  if (host === undefined) {
    return Nursery.run(body, { ...options, name }).then(
      () => 0,
      (error) => {
        console.error(describeFailure(error));
        return 1;
      },
    );
  }
  return listenAndRun(body, { ...options, name }, host);
}

async function listenAndRun<T>(
  body: (nursery: Nursery) => T | PromiseLike<T>,
  options: NurseryRunOptions & { name: string },
  host: Host,
): Promise<number> {
  const controller = new AbortController();
  let received: ProgramSignal | undefined;
  const onSignal = (signal: ProgramSignal) => {
    if (received === undefined) {
      received = signal;
      console.error(
        `Received ${signal}: cancelling "${options.name}" ` +
          `(${signal === "SIGINT" ? "press Ctrl-C" : `send ${signal}`} ` +
          `again to print the live tasks and exit at once)`,
      );
      controller.abort(
        new Cancelled(`Program "${options.name}" received ${signal}`, {
          origin: "outer",
          path: [options.name],
        }),
      );
      return;
    }
    // The cancellation is taking too long for whoever pressed Ctrl-C again:
    // show them what it is still waiting for, and stop waiting.
    console.error(
      `Received ${signal} again: exiting now. Live tasks:\n${dumpTasks()}`,
    );
    host.exit(STATUS_ON[signal]);
  };
  const removers: (() => void)[] = [];
  for (const signal of SIGNALS) {
    const remove = host.listen(signal, () => onSignal(signal));
    if (remove !== undefined) removers.push(remove);
  }
  const { signal } = options;
  let status = 0;
  try {
    await Nursery.run(body, {
      ...options,
      signal: signal === undefined
        ? controller.signal
        : AbortSignal.any([signal, controller.signal]),
    });
  } catch (error) {
    // Our own cancellation is how a signal ends the program, not a failure;
    // anything else (a cleanup that failed on the way out too) is printed.
    if (received !== undefined && error === controller.signal.reason) {
      status = STATUS_ON[received];
    } else {
      console.error(describeFailure(error));
      status = 1;
    }
  } finally {
    for (const remove of removers) remove();
  }
  if (received !== undefined) {
    // The signal asked the process to end: it ends now that every task has,
    // even if something outside the nursery would keep it alive.
    host.exit(status === 0 ? STATUS_ON[received] : status);
  }
  if (status !== 0) host.setExitCode(status);
  return status;
}

/**
 * A failure as the runtime would print it uncaught: its stack (for a
 * `MultiError`, every child's, combined), then its causes.
 */
export function describeFailure(error: unknown): string {
  const parts = [`error: ${describeValue(error)}`];
  let link = error;
  for (let depth = 0; depth < MAX_CAUSES; depth++) {
    try {
      if (!(link instanceof Error) || link.cause === undefined) break;
      link = link.cause;
    } catch {
      break;
    }
    parts.push(`Caused by: ${describeValue(link)}`);
  }
  return parts.join("\n");
}

function describeValue(value: unknown): string {
  try {
    if (value instanceof Error) {
      const stack: unknown = value.stack;
      return headedStack(value, typeof stack === "string" ? stack : "");
    }
    return `Uncaught ${
      typeof value === "string" ? JSON.stringify(value) : String(value)
    }`;
  } catch {
    return "Uncaught (a value that cannot be described)";
  }
}
