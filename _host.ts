// Copyright 2026 the @nursery/nursery authors. MIT license.
// What `main()` needs of the process it runs in, found without importing
// anything: Deno's namespace, else Node's and Bun's `process`; in a browser,
// nothing (no signals, no exit code).

/** The signals `main()` turns into a cancellation. */
export type ProgramSignal = "SIGINT" | "SIGTERM";

/** The process as `main()` sees it. */
export interface Host {
  /**
   * Calls `listener` on every delivery of `signal` until the returned
   * function is called; `undefined` if the runtime cannot listen for it
   * (SIGTERM on Windows).
   */
  listen(signal: ProgramSignal, listener: () => void): (() => void) | undefined;
  /** The status the process ends with when nothing else decides it. */
  setExitCode(code: number): void;
  /** Ends the process now. */
  exit(code: number): void;
}

interface DenoLike {
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  exit(code?: number): never;
  exitCode: number;
}

interface ProcessLike {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
  exit(code?: number): never;
  exitCode?: number | string | null;
}

/** The host of the current runtime, or `undefined` (a browser, a worker). */
export function currentHost(): Host | undefined {
  const { Deno: deno, process } = globalThis as unknown as {
    Deno?: Partial<DenoLike>;
    process?: Partial<ProcessLike>;
  };
  if (
    typeof deno?.addSignalListener === "function" &&
    typeof deno.removeSignalListener === "function" &&
    typeof deno.exit === "function"
  ) return denoHost(deno as DenoLike);
  if (
    typeof process?.on === "function" && typeof process.off === "function" &&
    typeof process.exit === "function"
  ) return processHost(process as ProcessLike);
  return undefined;
}

function denoHost(deno: DenoLike): Host {
  return {
    listen(signal, listener) {
      try {
        deno.addSignalListener(signal, listener);
      } catch {
        // Windows knows SIGINT and SIGBREAK only; Deploy may refuse both.
        return undefined;
      }
      return () => deno.removeSignalListener(signal, listener);
    },
    setExitCode(code) {
      deno.exitCode = code;
    },
    exit(code) {
      deno.exit(code);
    },
  };
}

function processHost(process: ProcessLike): Host {
  return {
    listen(signal, listener) {
      process.on(signal, listener);
      return () => process.off(signal, listener);
    },
    setExitCode(code) {
      process.exitCode = code;
    },
    exit(code) {
      process.exit(code);
    },
  };
}
