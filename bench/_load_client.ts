// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The load client of bench/serve_bench.ts, run in its own process: `requests`
 * GETs to 127.0.0.1:`port` over `connections` keep-alive HTTP/1.1
 * connections, one request in flight per connection. Prints one JSON line:
 * elapsed milliseconds and the sorted latencies' p50 and p99.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 bench/_load_client.ts PORT REQUESTS CONNECTIONS
 * ```
 *
 * @module
 */

const [port, requests, connections, warmup = 1_000] = Deno.args.map(Number);
if (!(port > 0 && requests > 0 && connections > 0)) {
  console.error("usage: _load_client.ts PORT REQUESTS CONNECTIONS [WARMUP]");
  Deno.exit(2);
}

const request = new TextEncoder().encode(
  `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
);
const decoder = new TextDecoder();
const HEADER_END = "\r\n\r\n";

/** One keep-alive connection; `#text` holds what was read past the last response. */
class Connection {
  #conn: Deno.TcpConn;
  #buffer = new Uint8Array(64 * 1024);
  #text = "";
  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  async roundTrip(): Promise<void> {
    await this.#conn.write(request);
    for (;;) {
      const end = this.#text.indexOf(HEADER_END);
      if (end !== -1) {
        const head = this.#text.slice(0, end);
        const status = head.slice(9, 12);
        if (status !== "200") throw new Error(`status ${status}`);
        const match = /content-length: *(\d+)/i.exec(head);
        if (match === null) throw new Error("expected a content-length");
        const total = end + HEADER_END.length + Number(match[1]);
        if (this.#text.length >= total) {
          this.#text = this.#text.slice(total);
          return;
        }
      }
      const read = await this.#conn.read(this.#buffer);
      if (read === null) throw new Error("connection closed");
      // The bodies are ASCII, so string length is byte length.
      this.#text += decoder.decode(this.#buffer.subarray(0, read));
    }
  }

  close(): void {
    this.#conn.close();
  }
}

const pool = await Promise.all(
  Array.from(
    { length: connections },
    async () =>
      new Connection(await Deno.connect({ hostname: "127.0.0.1", port })),
  ),
);

async function load(count: number, latencies?: Float64Array): Promise<void> {
  let next = 0;
  await Promise.all(pool.map(async (connection) => {
    while (next < count) {
      const index = next++;
      const start = performance.now();
      await connection.roundTrip();
      if (latencies !== undefined) latencies[index] = performance.now() - start;
    }
  }));
}

// Warm both ends up (JIT, connection setup) before anything is timed.
await load(warmup);
const latencies = new Float64Array(requests);
const start = performance.now();
await load(requests, latencies);
const elapsed = performance.now() - start;
for (const connection of pool) connection.close();
latencies.sort();
const at = (q: number) =>
  latencies[Math.min(requests - 1, Math.floor(q * requests))];
console.log(JSON.stringify({
  requests,
  elapsedMs: elapsed,
  perSecond: requests / (elapsed / 1_000),
  p50Ms: at(0.5),
  p99Ms: at(0.99),
}));
