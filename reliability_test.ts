// Copyright 2026 the @nursery/nursery authors. MIT license.
// Leaks and load: what a long-running server does to a nursery library.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
} from "@std/assert";
import { delay } from "@std/async";
import { MultiError, Nursery } from "./mod.ts";
import { countListeners, heapAfterGc } from "./testing/helpers.ts";

Deno.test("1,000,000 short nurseries on one long-lived signal leak neither memory nor listeners", async () => {
  const server = new AbortController();
  const listeners = countListeners(server.signal);
  const short = (i: number) =>
    Nursery.run((n) => {
      n.startSoon(async ({ signal }) => {
        await null;
        return signal.aborted ? -1 : i;
      });
    }, { signal: server.signal });
  for (let i = 0; i < 20_000; i++) await short(i); // warm up the JIT and pools
  const before = heapAfterGc();
  for (let i = 0; i < 1_000_000; i++) await short(i);
  const growth = heapAfterGc() - before;
  assert(growth < 1_000_000, `heap grew by ${growth} bytes`);
  assertEquals(listeners.added, listeners.removed);
  assert(listeners.added > 0);
});

Deno.test("100,000 children, half failing: one MultiError with exactly the 50,000 failures", async () => {
  const failures = new Set<Error>();
  const started = performance.now();
  const error = await assertRejects(
    () =>
      Nursery.run((n) => {
        for (let i = 0; i < 100_000; i++) {
          n.startSoon(async () => {
            await null;
            if (i % 2 === 1) {
              const failure = new Error(`child ${i} failed`);
              failures.add(failure);
              throw failure;
            }
          }, { name: `child ${i}` });
        }
      }),
    MultiError,
  );
  assertEquals(error.errors.length, 50_000);
  assert(error.errors.every((e: Error) => failures.has(e)));
  assertEquals(new Set(error.errors).size, 50_000);
  assertEquals(
    error.message,
    "50000 tasks failed: [child 1] Error: child 1 failed; [child 3] Error: child 3 failed; " +
      "[child 5] Error: child 5 failed; [child 7] Error: child 7 failed; " +
      "[child 9] Error: child 9 failed; and 49,995 more",
  );
  assert(error.stack!.includes("[child 99999] Error: child 99999 failed"));
  const seconds = (performance.now() - started) / 1000;
  assert(seconds < 30, `took ${seconds} s`);
});

Deno.test("10,000 nested nurseries complete, and cancel from the root, without a stack overflow", async () => {
  const chain = (depth: number): Promise<number> =>
    Nursery.run(async (n) =>
      depth === 0 ? 0 : 1 + await n.startSoon(() => chain(depth - 1))
    );
  assertEquals(await chain(10_000), 10_000);

  const root = new AbortController();
  let deepestCancelled = false;
  const waiting = (depth: number): Promise<unknown> =>
    Nursery.run((n) => {
      n.startSoon(
        depth === 0
          ? async ({ signal }) => {
            await delay(60_000, { signal }).catch((e) => {
              deepestCancelled = true;
              throw e;
            });
          }
          : () => waiting(depth - 1),
      );
    });
  const running = Nursery.run((n) => {
    n.startSoon(() => waiting(10_000));
  }, { signal: root.signal });
  await delay(50);
  root.abort("stop");
  assertEquals(await running.catch((e) => e), "stop");
  assert(deepestCancelled);
});

Deno.test("a Deno.serve handler fans out per request: disconnects cancel, completions finish, nothing is left", async () => {
  let live = 0;
  let finished = 0;
  let cancelled = 0;
  let slowReceived = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) =>
      Nursery.run(async (n) => {
        const slow = new URL(request.url).pathname === "/slow";
        if (slow) slowReceived++;
        const wait = slow ? 10_000 : 20;
        const parts = [1, 2, 3].map((part) =>
          n.startSoon(async ({ signal }) => {
            live++;
            try {
              await delay(wait, { signal });
              finished++;
              return part;
            } catch (reason) {
              cancelled++;
              throw reason;
            } finally {
              live--;
            }
          })
        );
        return new Response((await Promise.all(parts)).join(","));
      }, { signal: request.signal }).catch(() =>
        new Response(null, { status: 499 })
      ),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const requests = 60;
  let completed = 0;
  let disconnected = 0;
  // A bounded load: 20 clients at a time, every third one hanging up early.
  await Nursery.map(
    Array.from({ length: requests }, (_, i) => i),
    async (i) => {
      if (i % 3 === 0) {
        const client = new AbortController();
        const response = fetch(`${base}/slow`, { signal: client.signal });
        await delay(50);
        client.abort();
        await response.catch(() => {});
        disconnected++;
      } else {
        const response = await fetch(`${base}/fast`);
        assertEquals(await response.text(), "1,2,3");
        completed++;
      }
    },
    { concurrency: 20 },
  );
  // Give the server a moment to see the last disconnects.
  for (let i = 0; i < 100 && live > 0; i++) await delay(10);
  await server.shutdown();
  assertEquals([completed, disconnected], [40, 20]);
  // A client may hang up before its request reaches the server; every one
  // that did reach it had its three children cancelled.
  assert(slowReceived > 0, "no disconnect reached the server");
  assertEquals(finished, 3 * completed);
  assertEquals(cancelled, 3 * slowReceived);
  assertEquals(live, 0);
});

Deno.test("a MultiError of failures from nested nurseries keeps every leaf", async () => {
  const error = await assertRejects(() =>
    Nursery.run((n) => {
      for (let i = 0; i < 3; i++) {
        n.startSoon(() =>
          Nursery.run((inner) => {
            inner.startSoon(() => Promise.reject(new Error(`a${i}`)));
            inner.startSoon(() => Promise.reject(new Error(`b${i}`)));
          })
        );
      }
    }), MultiError);
  const [, rest] = error.split(() => false);
  assertInstanceOf(rest, MultiError);
  assertEquals(rest.errors.map((e: Error) => e.message).sort(), [
    "a0",
    "a1",
    "a2",
    "b0",
    "b1",
    "b2",
  ]);
});
