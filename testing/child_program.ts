// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * A program run in a child process, for tests that send it real signals:
 * its output is collected as it comes, a test can wait for a line, and a
 * guard kills it if it outlives the test's patience.
 *
 * @module
 */

/** How a child program ended, with everything it printed. */
export interface ProgramResult {
  /** The exit status (128 + N when signal N killed it). */
  code: number;
  /** The signal that killed it, if one did. */
  signal: Deno.Signal | null;
  /** Everything it wrote to stdout. */
  stdout: string;
  /** Everything it wrote to stderr. */
  stderr: string;
}

interface Waiter {
  stream: "stdout" | "stderr";
  text: string;
  resolve: () => void;
}

/** A running child program; dispose of it (`await using`) to reap it. */
export class ChildProgram implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #output = { stdout: "", stderr: "" };
  #waiters: Waiter[] = [];
  readonly #guard: ReturnType<typeof setTimeout>;
  readonly #ended: Promise<ProgramResult>;

  /**
   * Starts `command` with `args`; kills it with SIGKILL after `patience`
   * ms, so a test fails instead of hanging.
   */
  constructor(command: string, args: string[], patience = 20_000) {
    this.#child = new Deno.Command(command, {
      args,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#guard = setTimeout(() => this.#child.kill("SIGKILL"), patience);
    this.#ended = Promise.all([
      this.#child.status,
      this.#pump("stdout", this.#child.stdout),
      this.#pump("stderr", this.#child.stderr),
    ]).then(([status]) => {
      clearTimeout(this.#guard);
      return {
        code: status.code,
        signal: status.signal,
        ...this.#output,
      };
    });
  }

  /** What it printed so far. */
  get output(): { readonly stdout: string; readonly stderr: string } {
    return this.#output;
  }

  /**
   * Resolves once `text` has appeared on `stream`; rejects if the program
   * ends first.
   */
  waitFor(text: string, stream: "stdout" | "stderr" = "stdout"): Promise<void> {
    if (this.#output[stream].includes(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ stream, text, resolve });
      this.#ended.then((result) =>
        reject(
          new Error(
            `The program ended (status ${result.code}) before printing ` +
              `${
                JSON.stringify(text)
              } on ${stream}:\n${result.stdout}\n${result.stderr}`,
          ),
        )
      );
    });
  }

  /** Sends it `signal`. */
  kill(signal: Deno.Signal): void {
    this.#child.kill(signal);
  }

  /** Resolves once it has ended, with its status and output. */
  ended(): Promise<ProgramResult> {
    return this.#ended;
  }

  /** Kills it if it still runs, and waits until it has ended. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await this.#ended;
  }

  async #pump(
    stream: "stdout" | "stderr",
    readable: ReadableStream<Uint8Array>,
  ): Promise<void> {
    for await (const text of readable.pipeThrough(new TextDecoderStream())) {
      this.#output[stream] += text;
      this.#waiters = this.#waiters.filter((waiter) => {
        if (
          waiter.stream !== stream ||
          !this.#output[stream].includes(waiter.text)
        ) return true;
        waiter.resolve();
        return false;
      });
    }
  }
}
