// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * A Deno Deploy handler: each request fans out to several backends at once,
 * inside a nursery bound to `request.signal` (a client that hangs up cancels
 * every backend call) and a deadline. A backend slower than its budget is cut
 * off by `moveOnAfter`, and the answer is partial: it names what is missing.
 *
 * Run: `deno run --allow-net examples/deploy_handler.ts`, with backends
 * given as `NAME=URL` arguments.
 *
 * @module
 */
import { moveOnAfter, Nursery } from "../mod.ts";

/** A service the handler asks. */
export interface Backend {
  /** Its key in the answer. */
  name: string;
  /** Where to GET its JSON. */
  url: string;
}

/** Options for {@linkcode createHandler}. */
export interface HandlerOptions {
  /** The services to ask, all at once. */
  backends: Backend[];
  /** How long one backend may take before it is left out. */
  perBackendMs?: number;
  /** How long the whole request may take. */
  deadlineMs?: number;
}

/** The JSON a request gets back. */
export interface Answer {
  /** Each backend's JSON, by name. */
  results: Record<string, unknown>;
  /** Backends cut off by their time budget. */
  timedOut: string[];
}

/** Makes a `Deno.serve` handler that fans out to `backends`. */
export function createHandler(
  options: HandlerOptions,
): (request: Request) => Promise<Response> {
  const { backends, perBackendMs = 300, deadlineMs = 2_000 } = options;
  return async (request) => {
    try {
      const answer = await Nursery.run((nursery) => {
        const answer: Answer = { results: {}, timedOut: [] };
        for (const backend of backends) {
          nursery.startSoon(async () => {
            const value = await moveOnAfter(
              perBackendMs,
              async ({ signal }) => {
                const response = await fetch(backend.url, { signal });
                if (!response.ok) {
                  await response.body?.cancel();
                  throw new Error(
                    `${backend.name} answered ${response.status}`,
                  );
                }
                return await response.json();
              },
            );
            if (value === undefined) answer.timedOut.push(backend.name);
            else answer.results[backend.name] = value;
          }, { name: backend.name });
        }
        return answer; // complete once every backend call has finished
      }, { signal: request.signal, timeout: deadlineMs, name: "handler" });
      return Response.json(answer);
    } catch (error) {
      if (request.signal.aborted) return new Response(null, { status: 499 });
      const status = (error as Error).name === "TimeoutError" ? 504 : 502;
      return Response.json({ error: String(error) }, { status });
    }
  };
}

if (import.meta.main) {
  const backends = Deno.args.map((arg) => {
    const [name, url] = arg.split("=");
    return { name, url };
  });
  Deno.serve(createHandler({ backends }));
}
