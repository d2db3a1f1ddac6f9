// Copyright 2026 the @nursery/nursery authors. MIT license.
import { assert, assertEquals } from "@std/assert";
import { delay } from "@std/async";
import { Nursery } from "../mod.ts";
import { createHandler, untilResponded } from "./deploy_handler.ts";

/**
 * Fake backends in this process: fast JSON, one that never answers in time,
 * and a cache that takes its time to store what it is sent.
 */
function startBackends() {
  const slowCancelled: boolean[] = [];
  const cached: unknown[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const path = new URL(request.url).pathname;
      if (path === "/cache") {
        await delay(50);
        cached.push(await request.json());
        return new Response(null, { status: 204 });
      }
      if (path === "/slow") {
        try {
          await delay(10_000, { signal: request.signal });
        } catch {
          slowCancelled.push(true);
        }
        return Response.json({ late: true });
      }
      await delay(10);
      return Response.json({ from: path });
    },
  );
  const url = (path: string) => `http://127.0.0.1:${server.addr.port}${path}`;
  return { server, url, slowCancelled, cached };
}

Deno.test("deploy handler: fans out, and answers in part when a backend is cut off", async () => {
  const backends = startBackends();
  const handler = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createHandler({
      backends: [
        { name: "users", url: backends.url("/users") },
        { name: "prices", url: backends.url("/prices") },
        { name: "recommendations", url: backends.url("/slow") },
      ],
      perBackendMs: 150,
    }),
  );
  try {
    const response = await fetch(`http://127.0.0.1:${handler.addr.port}/`);
    assertEquals(response.status, 200);
    assertEquals(await response.json(), {
      results: { users: { from: "/users" }, prices: { from: "/prices" } },
      timedOut: ["recommendations"],
    });
    // The slow backend's request was cancelled, not abandoned.
    for (let i = 0; i < 50 && backends.slowCancelled.length === 0; i++) {
      await delay(10);
    }
    assertEquals(backends.slowCancelled, [true]);
  } finally {
    await handler.shutdown();
    await backends.server.shutdown();
  }
});

Deno.test("deploy handler: a client that hangs up cancels every backend call", async () => {
  const backends = startBackends();
  const handler = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createHandler({
      backends: [
        { name: "a", url: backends.url("/slow") },
        { name: "b", url: backends.url("/slow") },
      ],
      perBackendMs: 5_000,
    }),
  );
  try {
    const client = new AbortController();
    const request = fetch(`http://127.0.0.1:${handler.addr.port}/`, {
      signal: client.signal,
    }).catch((e) => e);
    await delay(100);
    client.abort();
    assert((await request) instanceof Error);
    for (let i = 0; i < 100 && backends.slowCancelled.length < 2; i++) {
      await delay(10);
    }
    assertEquals(backends.slowCancelled, [true, true]);
  } finally {
    await handler.shutdown();
    await backends.server.shutdown();
  }
});

Deno.test("deploy handler: a finished response does not cancel the write-behind", async () => {
  const backends = startBackends();
  const lateErrors: unknown[] = [];
  const handle = createHandler({
    backends: [{ name: "users", url: backends.url("/users") }],
    cacheUrl: backends.url("/cache"),
    onLateError: (error) => lateErrors.push(error),
  });
  const handler = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    handle,
  );
  try {
    const response = await fetch(`http://127.0.0.1:${handler.addr.port}/`);
    const answer = { results: { users: { from: "/users" } }, timedOut: [] };
    assertEquals(await response.json(), answer);
    // Deno aborts request.signal once that answer is sent; the nursery that
    // still stores it must not see that as a client hanging up.
    await handle.drain();
    assertEquals(lateErrors, []);
    assertEquals(backends.cached, [answer]);
  } finally {
    await handler.shutdown();
    await backends.server.shutdown();
  }
});

Deno.test("untilResponded: follows request.signal until responded(), and no further", () => {
  const hangUp = new AbortController();
  const before = untilResponded(
    new Request("http://x/", { signal: hangUp.signal }),
  );
  const after = untilResponded(
    new Request("http://x/", { signal: hangUp.signal }),
  );
  after.responded();
  after.responded(); // again: nothing
  hangUp.abort(new DOMException("gone", "AbortError"));
  assert(before.signal.aborted);
  assertEquals((before.signal.reason as DOMException).message, "gone");
  assert(!after.signal.aborted);
  // A request already aborted gives an aborted signal.
  assert(
    untilResponded(new Request("http://x/", { signal: hangUp.signal })).signal
      .aborted,
  );
});

/**
 * A server whose streamed body is written by a nursery that goes on after the
 * last chunk (it flushes a log), bound to `untilResponded(request)`.
 */
function startStreamer() {
  const outcomes: Promise<string>[] = [];
  const encoder = new TextEncoder();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      const client = untilResponded(request);
      const { readable, writable } = new TransformStream<Uint8Array>();
      const writer = writable.getWriter();
      outcomes.push(
        Nursery.run((nursery) => {
          nursery.startSoon(async ({ signal }) => {
            for (let i = 1; i <= 3; i++) {
              await delay(20, { signal });
              await writer.write(encoder.encode(`line ${i}\n`));
            }
            client.responded(); // the body is complete: the rest is ours
            await writer.close();
            await delay(50, { signal }); // the log flush, after the body
          }, { name: "body" });
        }, { signal: client.signal }).then(
          () => "finished",
          (error) => {
            // A hang-up has closed the body already; any other failure ends it.
            if (!client.signal.aborted) writer.abort(error).catch(() => {});
            return `cancelled: ${error.name}`;
          },
        ),
      );
      return new Response(readable);
    },
  );
  return { server, outcomes };
}

Deno.test("untilResponded: a streamed body's nursery outlives its last chunk, and a hang-up mid-stream still cancels it", async () => {
  const { server, outcomes } = startStreamer();
  try {
    const url = `http://127.0.0.1:${server.addr.port}/`;
    const whole = await fetch(url);
    assertEquals(await whole.text(), "line 1\nline 2\nline 3\n");
    assertEquals(await outcomes[0], "finished");

    const hangUp = new AbortController();
    const partial = await fetch(url, { signal: hangUp.signal });
    const reader = partial.body!.getReader();
    await reader.read(); // line 1
    hangUp.abort();
    await reader.closed.catch(() => {});
    assertEquals(await outcomes[1], "cancelled: AbortError");
  } finally {
    await server.shutdown();
  }
});
