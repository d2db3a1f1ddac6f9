// Copyright 2026 the @nursery/nursery authors. MIT license.
// Every README story in examples/ runs here, so the guide cannot rot.
import { assertEquals } from "@std/assert";
import * as fanOut from "./fan_out.ts";
import * as firstResult from "./first_result.ts";
import * as payment from "./payment.ts";
import * as timeouts from "./timeouts.ts";
import * as startServer from "./start_server.ts";
import * as map from "./map.ts";
import * as tree from "./tree.ts";
import * as multiErrorSplit from "./multi_error_split.ts";
import * as slowCancel from "./slow_cancel.ts";
import * as whyCancelled from "./why_cancelled.ts";
import * as stream from "./stream.ts";
import * as any from "./any.ts";
import * as supervise from "./supervise.ts";

Deno.test("example fan_out: both results, the visit joined", async () => {
  assertEquals(await fanOut.main(), {
    user: { path: "/api/user" },
    cart: { path: "/api/cart" },
  });
});

Deno.test("example first_result: the first reply wins, a failing mirror ends only itself, the slower one is cancelled", async () => {
  assertEquals(await firstResult.main(), {
    first: "reply from us",
    cancelled: ["asia"],
  });
});

Deno.test("example payment: captured despite the SMS failure; email cancelled", async () => {
  assertEquals(await payment.main(), [
    "email cancelled",
    "payment captured",
    "checkout failed: SMS gateway down",
  ]);
});

Deno.test("example timeouts: failAfter cancels, moveOnAfter moves on", async () => {
  assertEquals(await timeouts.main(), {
    crawl: "crawl: TimeoutError",
    cached: "cache too slow: computed instead",
  });
});

Deno.test("example start_server: the server answered before it was stopped", async () => {
  assertEquals(await startServer.main(), "healthy");
});

Deno.test("example map: results in input order", async () => {
  assertEquals(await map.main(), [
    "small-a.png",
    "small-b.png",
    "small-c.png",
    "small-d.png",
    "small-e.png",
  ]);
});

Deno.test("example tree: the live tree; one request cancelled with what it opened, then the root", async () => {
  const { tree: text, request, outcome } = await tree.main() as {
    tree: string;
    request: string;
    outcome: string;
  };
  assertEquals(request, "cancelled");
  assertEquals(outcome, "shut down");
  assertEquals(text.split("\n"), [
    'nursery "server" open …ms',
    '  body "server" running …ms',
    '  task "handleRequest" running …ms',
    '    nursery "fanOut" open …ms',
    '      task "profile-1" running …ms',
    '      task "profile-2" running …ms',
    '  task "ticker" running …ms',
  ]);
});

Deno.test("example multi_error_split: the timeout handled, nothing else failed", async () => {
  assertEquals(await multiErrorSplit.main(), "handled: search timed out");
});

Deno.test("example stream: pages handled as they arrive, up to the answer; the rest cancelled", async () => {
  assertEquals(await stream.main(), ["/b", "/c"]);
});

Deno.test("example any: happy eyeballs tries the addresses in turn and connects to the one that answers", async () => {
  assertEquals(await any.main(), {
    connected: "192.0.2.1",
    tried: ["2001:db8::1", "2001:db8::2", "192.0.2.1"],
  });
});

// Needs failFast and onTaskError in the core (issue #14): fails until then.
Deno.test("example supervise: the server logs two failures and keeps serving; every probe runs", async () => {
  assertEquals(await supervise.main(), {
    served: ["/", "/about", "/contact"],
    logged: [
      "GET /boom: cannot render /boom",
      "GET /crash: cannot render /crash",
    ],
    probes: "cache is down, db is down",
  });
});

Deno.test("example why_cancelled: the reason says origin, path and failed task; a timeout its helper", async () => {
  assertEquals(await whyCancelled.main(), {
    isCancelled: true,
    origin: "failure",
    path: ["server", "request17", "fanOut"],
    failedTask: "orders",
    cause: "db down",
    message:
      'Nursery "fanOut" was cancelled because task "orders" failed (origin: failure; at server > request17 > fanOut)',
    timedOut:
      'TimeoutError: failAfter(10 ms) in nursery "crawl" passed its deadline',
  });
});

Deno.test("example slow_cancel: the report names the task that ignores its signal, with its path", async () => {
  assertEquals(
    await slowCancel.main(),
    'Nursery "server" was cancelled … ms ago and still waits for 1 task(s) that have not ended (do they ignore their signal?): server > handler > upload > writeToDisk',
  );
});
