// Copyright 2026 the @nursery/nursery authors. MIT license.
import { assert, assertEquals } from "@std/assert";
import { delay } from "@std/async";
import { createHandler } from "./deploy_handler.ts";

/** Fake backends in this process: fast JSON, and one that never answers in time. */
function startBackends() {
  const slowCancelled: boolean[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const path = new URL(request.url).pathname;
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
  return { server, url, slowCancelled };
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
