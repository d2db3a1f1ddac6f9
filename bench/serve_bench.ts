// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task bench:serve` (issue #12): a `Deno.serve` handler on 127.0.0.1
 * that fans out to three in-process children per request, inside a nursery
 * bound to `request.signal`, against the same handler written with
 * `Promise.all` and hand-made controllers (`floor` from `_fixtures.ts`: a
 * controller per child, linked to `request.signal` by one listener).
 *
 * Each handler runs in its own server process (so one's garbage never pauses
 * the other); the load comes from a third process (`_load_client.ts`), one
 * server at a time, the order rotating every round so a slow moment of the
 * machine does not land on one side only. It prints each round and the
 * median ratios (nursery / plain) of throughput and p50 and p99 latency, then
 * closes the servers' stdin, which stops them.
 *
 * Deno 2.9 still aborts `request.signal` once a response has been sent (its
 * "legacy" behaviour, which it warns about once per server): both handlers
 * remove their listener before that, so both pay the same for it.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read --allow-run bench/serve_bench.ts \
 *   [--rounds=6] [--requests=20000] [--connections=50] [--server-v8-flags=--trace-gc]
 * ```
 *
 * @module
 */
import { Nursery } from "../mod.ts";
import { floor } from "./_fixtures.ts";
import { storage } from "./_scope_fixtures.ts";

/** What one child does: in-process work that honours its signal. */
async function work(index: number, signal: AbortSignal): Promise<number> {
  await null;
  signal.throwIfAborted();
  await null;
  return index * 2;
}

const FAN_OUT = 3;

function reply(results: number[]): Response {
  return new Response(results.join(","));
}

const handlers: Record<string, (request: Request) => Promise<Response>> = {
  "plain (Promise.all + controllers)": async (request) => {
    const results = new Array<number>(FAN_OUT);
    await floor(FAN_OUT, async (signal, i) => {
      results[i] = await work(i, signal);
    }, request.signal);
    return reply(results);
  },
  // The tracked floor: what a scope per child costs at least on this platform.
  "plain + AsyncLocalStorage.run per child": async (request) => {
    const results = new Array<number>(FAN_OUT);
    await floor(FAN_OUT, (signal, i) =>
      storage.run(signal, async () => {
        results[i] = await work(i, signal);
      }), request.signal);
    return reply(results);
  },
  "nursery, taskScopes: true": (request) => nurseryHandler(request, true),
  "nursery, taskScopes: false": (request) => nurseryHandler(request, false),
};

async function nurseryHandler(
  request: Request,
  taskScopes: boolean,
): Promise<Response> {
  const results = new Array<number>(FAN_OUT);
  await Nursery.run((nursery) => {
    for (let i = 0; i < FAN_OUT; i++) {
      nursery.startSoon(async ({ signal }) => {
        results[i] = await work(i, signal);
      });
    }
  }, { signal: request.signal, taskScopes });
  return reply(results);
}

/** Server mode: serves `name`'s handler, prints the port, stops when stdin closes. */
async function serve(name: string): Promise<void> {
  const handler = handlers[name];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(JSON.stringify({ port })),
  }, async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      // Only a client hanging up should get here; the client counts it.
      return new Response(String(error), { status: 500 });
    }
  });
  for await (const _ of Deno.stdin.readable);
  await server.shutdown();
}

interface Round {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

function option(name: string, fallback: number): number {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.split("=")[1]);
}

// For a diagnosis, e.g. --server-v8-flags=--trace-gc: the servers' traces are
// passed on to stderr, each line with the pid printed for its server.
const serverFlags = Deno.args.filter((a) => a.startsWith("--server-v8-flags="))
  .map((a) => `--v8-flags=${a.slice("--server-v8-flags=".length)}`);

interface Server {
  name: string;
  port: number;
  stop(): Promise<void>;
}

async function startServer(name: string): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      ...serverFlags,
      import.meta.filename!,
      "--serve",
      name,
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  if (serverFlags.length > 0) {
    console.error(`server "${name}": pid ${child.pid}`);
  }
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  // The first line is the port. V8's traces also go to stdout: keep reading,
  // so that a full pipe never blocks the server, and pass them on to stderr.
  let text = "";
  while (!text.includes("\n")) text += (await reader.read()).value ?? "";
  const [first, ...rest] = text.split("\n");
  const { port } = JSON.parse(first) as { port: number };
  const encoder = new TextEncoder();
  const forward = (chunk: string) => {
    if (serverFlags.length > 0) Deno.stderr.writeSync(encoder.encode(chunk));
  };
  forward(rest.join("\n"));
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      forward(value);
    }
  })();
  const writer = child.stdin.getWriter();
  return {
    name,
    port,
    async stop() {
      await writer.close(); // the server stops when its stdin closes
      await child.status;
      await drained;
    },
  };
}

async function load(
  port: number,
  requests: number,
  connections: number,
): Promise<Round> {
  const client = new URL("./_load_client.ts", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      client.pathname,
      String(port),
      String(requests),
      String(connections),
    ],
  }).output();
  if (code !== 0) throw new Error(new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function orchestrate(): Promise<void> {
  const rounds = option("rounds", 6);
  const requests = option("requests", 20_000);
  const connections = option("connections", 50);
  const servers: Server[] = [];
  for (const name of Object.keys(handlers)) {
    servers.push(await startServer(name));
  }
  const results = new Map<string, Round[]>(servers.map((s) => [s.name, []]));
  try {
    // One untimed round each: JIT and connection paths warm on both sides.
    for (const server of servers) await load(server.port, 5_000, connections);
    for (let round = 0; round < rounds; round++) {
      const order = servers.map((_, i) =>
        servers[(i + round) % servers.length]
      );
      const line: string[] = [];
      for (const server of order) {
        const result = await load(server.port, requests, connections);
        results.get(server.name)!.push(result);
        line.push(
          `${server.name}: ${Math.round(result.perSecond)}/s p50 ${
            result.p50Ms.toFixed(2)
          } p99 ${result.p99Ms.toFixed(2)} ms`,
        );
      }
      console.error(`round ${round + 1}: ${line.join(" | ")}`);
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  const [plainName, ...others] = Object.keys(handlers);
  const plain = results.get(plainName)!;
  console.log(
    `\n${rounds} rounds x ${requests} requests over ${connections} connections, ` +
      `${navigator.userAgent}; ratios to "${plainName}", per round, then the median\n`,
  );
  console.log(
    "| handler | throughput | p50 latency | p99 latency |\n| --- | --- | --- | --- |",
  );
  for (const name of others) {
    const mine = results.get(name)!;
    const column = (pick: (r: Round) => number) => {
      const ratios = mine.map((r, i) => pick(r) / pick(plain[i]));
      return `${ratios.map((x) => x.toFixed(2)).join(", ")}; **${
        median(ratios).toFixed(2)
      }x**`;
    };
    console.log(
      `| ${name} | ${column((r) => r.perSecond)} | ${
        column((r) => r.p50Ms)
      } | ${column((r) => r.p99Ms)} |`,
    );
  }
  console.log(
    `| ${plainName} (absolute, median) | ${
      Math.round(median(plain.map((r) => r.perSecond)))
    }/s | ${median(plain.map((r) => r.p50Ms)).toFixed(2)} ms | ${
      median(plain.map((r) => r.p99Ms)).toFixed(2)
    } ms |`,
  );
}

if (import.meta.main) {
  if (Deno.args[0] === "--serve") await serve(Deno.args[1]);
  else await orchestrate();
}
