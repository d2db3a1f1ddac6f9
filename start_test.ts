// Copyright 2026 the @nursery/nursery authors. MIT license.
import {
  assert,
  assertEquals,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { Nursery, NurseryClosedError, type StartContext } from "./mod.ts";
import { untilCancelled } from "./testing/helpers.ts";

Deno.test("start() returns a real server's port before the server task ends", async () => {
  const events: string[] = [];
  const reply = await Nursery.run(async (n) => {
    const port = await n.start<number>(
      async function server({ signal, started }) {
        const server = Deno.serve(
          { hostname: "127.0.0.1", port: 0, signal, onListen: () => {} },
          () => new Response("pong"),
        );
        started(server.addr.port);
        await server.finished;
        events.push("server stopped");
      },
    );
    events.push(`listening on ${typeof port}`);
    const response = await fetch(`http://127.0.0.1:${port}/`);
    const text = await response.text();
    assertEquals(n.tasks.map((t) => [t.name, t.status]), [[
      "server",
      "running",
    ]]);
    n.cancel(); // shuts the server down through its signal
    return text;
  });
  assertEquals(reply, "pong");
  assertEquals(events, ["listening on number", "server stopped"]);
});

Deno.test("start() with Deno.listen: a TCP echo service ready before the client connects", async () => {
  const echoed = await Nursery.run(async (n) => {
    const port = await n.start<number>(async ({ signal, started }) => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      signal.addEventListener("abort", () => listener.close(), { once: true });
      started((listener.addr as Deno.NetAddr).port);
      for await (const conn of listener) {
        n.startSoon(async () => {
          await conn.readable.pipeTo(conn.writable);
        });
      }
    });
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("hello"));
    const buffer = new Uint8Array(5);
    let read = 0;
    while (read < 5) read += (await conn.read(buffer.subarray(read))) ?? 5;
    conn.close();
    n.cancel();
    return new TextDecoder().decode(buffer);
  });
  assertEquals(echoed, "hello");
});

Deno.test("a failure before started() rejects start() and the nursery never sees it", async () => {
  using time = new FakeTime(0);
  const notReady = new Error("config missing");
  let siblingFinished = false;
  const result = Nursery.run(async (n) => {
    n.startSoon(async (ctx) => {
      await delay(10, ctx);
      siblingFinished = true;
    });
    const error = await n.start(() => Promise.reject(notReady)).catch((e) => e);
    return error;
  });
  await time.tickAsync(10);
  await time.runMicrotasks();
  assertStrictEquals(await result, notReady);
  assert(siblingFinished); // not cancelled
});

Deno.test("a child that returns without calling started() rejects start() with a clear error", async () => {
  const error = await Nursery.run((n) =>
    n.start(function lazy() {}).catch((e) => e)
  );
  assertEquals(
    (error as Error).message,
    'Cannot start task "lazy": it returned without calling started()',
  );
});

Deno.test("a starting child is cancelled with the nursery; start() rejects with the reason", async () => {
  using time = new FakeTime(0);
  const result = Nursery.run(async (n) => {
    const starting = n.start(async ({ signal }) => {
      await delay(60_000, { signal }); // never gets to started()
    });
    n.startSoon(() => {
      n.cancel("shutting down");
    });
    return await starting.catch((e) => `start rejected: ${e}`);
  });
  await time.runMicrotasks();
  // The body handled start()'s rejection and returned, so run() resolves.
  assertEquals(await result, "start rejected: shutting down");
});

Deno.test("after started(), a failure is an ordinary failure of the nursery", async () => {
  using time = new FakeTime(0);
  const crash = new Error("crashed after start");
  let siblingCancelled = false;
  const result = Nursery.run(async (n) => {
    await n.start(async ({ started }: StartContext<void>) => {
      started();
      await delay(10);
      throw crash;
    });
    n.startSoon(untilCancelled(() => {
      siblingCancelled = true;
    }));
  });
  const rejected = assertRejects(() => result);
  await time.tickAsync(10);
  await time.runMicrotasks();
  assertStrictEquals(await rejected, crash);
  assert(siblingCancelled);
});

Deno.test("calling started() twice throws", async () => {
  let second: unknown;
  const value = await Nursery.run((n) =>
    n.start<number>(({ started }) => {
      started(1);
      second = assertThrows(() => started(2), Error, "already called");
    })
  );
  assertEquals(value, 1);
  assert(second instanceof Error);
});

Deno.test("start() on a closed nursery rejects with NurseryClosedError; bad fn with TypeError", async () => {
  let escaped: Nursery | undefined;
  await Nursery.run((n) => {
    escaped = n;
  });
  await assertRejects(() => escaped!.start(() => {}), NurseryClosedError);
  await Nursery.run(async (n) => {
    await assertRejects(() => n.start(1 as never), TypeError, "'fn'");
  });
});
