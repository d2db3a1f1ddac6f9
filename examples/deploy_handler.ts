// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * A Deno Deploy handler: each request fans out to several backends at once,
 * inside a nursery bound to the client (a client that hangs up cancels every
 * backend call) and a deadline. A backend slower than its budget is cut
 * off by `moveOnAfter`, and the answer is partial: it names what is missing.
 * With `cacheUrl`, the same nursery then stores the answer there after it is
 * sent (write-behind): the client does not wait for it.
 *
 * Deno (2.1.0 and 2.9.6 measured) also aborts `request.signal` once a
 * response has been sent, with the same `AbortError` as a hang-up, and on
 * 2.9.6 `info.completed` resolves after a hang-up too: nothing tells the two
 * apart afterwards. So the nursery is bound to {@linkcode untilResponded},
 * which follows `request.signal` only until the handler has finished its
 * response.
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
  /** How long the whole request may take, write-behind included. */
  deadlineMs?: number;
  /** Where to PUT each answer once it is sent; none by default. */
  cacheUrl?: string;
  /** Told of a failure after the answer was sent (the write-behind's). */
  onLateError?: (error: unknown) => void;
}

/** The JSON a request gets back. */
export interface Answer {
  /** Each backend's JSON, by name. */
  results: Record<string, unknown>;
  /** Backends cut off by their time budget. */
  timedOut: string[];
}

/** A `Deno.serve` handler, and a way to wait for its write-behind. */
export interface Handler {
  /** Answers one request. */
  (request: Request): Promise<Response>;
  /** Settles once every request's nursery started so far has finished. */
  drain(): Promise<void>;
}

/** A signal for the work a request started, from {@linkcode untilResponded}. */
export interface ClientSignal {
  /**
   * Aborts with `request.signal`'s reason if that aborts before
   * {@linkcode ClientSignal.responded}: the client hung up.
   */
  readonly signal: AbortSignal;
  /**
   * Marks the response as finished (returned, or for a streamed body: its
   * last chunk written). From then on `signal` no longer follows
   * `request.signal`, whose abort is now only Deno saying the response was
   * sent. Calling it again does nothing.
   */
  responded(): void;
}

/**
 * Follows `request.signal` until the response is finished, and no further.
 *
 * Deno aborts `request.signal` after every response, not only when the
 * client hangs up, unless run with `--unstable-no-legacy-abort`. Work bound to
 * `request.signal` that outlives the response (a write-behind, a streamed
 * body's producer that goes on after its last chunk) is cancelled by a
 * response that went well. Bind it to this `signal` instead, and call
 * `responded()` when the response is finished. With the flag, or on a
 * runtime that aborts only on hang-up, it changes nothing.
 *
 * @param request The request the work is for.
 * @returns The signal to bind the work to, and the call that detaches it.
 *
 * @example
 * ```ts ignore
 * Deno.serve(async (request) => {
 *   const client = untilResponded(request);
 *   try {
 *     return await answer(client.signal);
 *   } finally {
 *     client.responded();
 *   }
 * });
 * ```
 */
export function untilResponded(request: Request): ClientSignal {
  const source = request.signal;
  const controller = new AbortController();
  const follow = () => controller.abort(source.reason);
  if (source.aborted) follow();
  else source.addEventListener("abort", follow, { once: true });
  return {
    signal: controller.signal,
    responded: () => source.removeEventListener("abort", follow),
  };
}

/** Asks every backend at once, inside the nursery the caller runs in. */
function fanOut(
  backends: Backend[],
  perBackendMs: number,
): Promise<Answer> {
  return Nursery.run((nursery) => {
    const answer: Answer = { results: {}, timedOut: [] };
    for (const backend of backends) {
      nursery.startSoon(async () => {
        const value = await moveOnAfter(
          perBackendMs,
          async ({ signal }) => {
            const response = await fetch(backend.url, { signal });
            if (!response.ok) {
              await response.body?.cancel();
              throw new Error(`${backend.name} answered ${response.status}`);
            }
            return await response.json();
          },
        );
        if (value === undefined) answer.timedOut.push(backend.name);
        else answer.results[backend.name] = value;
      }, { name: backend.name });
    }
    return answer; // complete once every backend call has finished
  }, { name: "fan-out" });
}

/** Stores `answer` at `url`. */
async function store(
  url: string,
  answer: Answer,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, {
    method: "PUT",
    body: JSON.stringify(answer),
    headers: { "content-type": "application/json" },
    signal,
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`cache answered ${response.status}`);
}

/** Makes a `Deno.serve` handler that fans out to `backends`. */
export function createHandler(options: HandlerOptions): Handler {
  const {
    backends,
    perBackendMs = 300,
    deadlineMs = 2_000,
    cacheUrl,
    onLateError = (error) => console.error("after the answer:", error),
  } = options;
  const running = new Set<Promise<void>>();
  const handler = async (request: Request): Promise<Response> => {
    const client = untilResponded(request);
    const answered = Promise.withResolvers<Answer>();
    let sent = false;
    const run = Nursery.run(async (nursery) => {
      const answer = await fanOut(backends, perBackendMs);
      answered.resolve(answer);
      if (cacheUrl !== undefined) {
        nursery.startSoon(({ signal }) => store(cacheUrl, answer, signal), {
          name: "write-behind",
        });
      }
    }, { signal: client.signal, timeout: deadlineMs, name: "handler" });
    // The nursery may outlive this handler: its failures go one way only.
    const done = run.then(() => {}, (error) => {
      if (sent) onLateError(error);
      else answered.reject(error);
    }).finally(() => running.delete(done));
    running.add(done);
    try {
      const answer = await answered.promise;
      return Response.json(answer);
    } catch (error) {
      if (client.signal.aborted) return new Response(null, { status: 499 });
      const status = (error as Error).name === "TimeoutError" ? 504 : 502;
      return Response.json({ error: String(error) }, { status });
    } finally {
      sent = true;
      client.responded(); // what follows the answer is not the client's
    }
  };
  return Object.assign(handler, {
    drain: async () => {
      while (running.size > 0) await Promise.all(running);
    },
  });
}

if (import.meta.main) {
  const backends = Deno.args.map((arg) => {
    const [name, url] = arg.split("=");
    return { name, url };
  });
  Deno.serve(createHandler({ backends }));
}
