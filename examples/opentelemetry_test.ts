// Copyright 2026 the @nursery/nursery authors. MIT license.
// @runtime-server-only: the OpenTelemetry SDK needs Node built-ins.
import { assertEquals } from "@std/assert";
import { SpanStatusCode } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { Nursery } from "../mod.ts";
import { main, traceNurseries } from "./opentelemetry.ts";
import { work } from "./_work.ts";

/**
 * Runs `program` traced into memory, and returns its finished spans by
 * name, once every span has ended.
 */
async function traced(
  program: () => Promise<unknown>,
): Promise<Map<string, ReadableSpan>> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  {
    using _tracing = traceNurseries(provider.getTracer("test"));
    await program().catch(() => {});
    // A failed task's span ends once its error is read: a microtask later.
    await work(0, null);
  }
  const spans = new Map(
    exporter.getFinishedSpans().map((span) => [span.name, span]),
  );
  await provider.shutdown();
  return spans;
}

function parentOf(
  spans: Map<string, ReadableSpan>,
  name: string,
): string | undefined {
  const parentId = spans.get(name)!.parentSpanContext?.spanId;
  return [...spans.values()].find((span) =>
    span.spanContext().spanId === parentId
  )?.name;
}

function events(spans: Map<string, ReadableSpan>, name: string): string[] {
  return spans.get(name)!.events.map((event) =>
    [event.name, event.attributes?.["cancel.origin"]].filter(Boolean).join(
      ": ",
    )
  );
}

Deno.test("traceNurseries() makes one span per nursery and task, parented as the tree is", async () => {
  const spans = await traced(() =>
    Nursery.run(function server(nursery) {
      nursery.startSoon(function handle() {
        return Nursery.run(function fanOut(inner) {
          inner.startSoon(() => work(1, "a"), { name: "profile" });
          inner.startSoon(() => work(1, "b"), { name: "cart" });
        });
      });
      nursery.startSoon(() => work(1, null), { name: "log" });
    })
  );
  assertEquals([...spans.keys()].sort(), [
    "nursery fanOut",
    "nursery server",
    "task cart",
    "task handle",
    "task log",
    "task profile",
  ]);
  assertEquals(parentOf(spans, "nursery server"), undefined);
  assertEquals(parentOf(spans, "task handle"), "nursery server");
  assertEquals(parentOf(spans, "task log"), "nursery server");
  assertEquals(parentOf(spans, "nursery fanOut"), "task handle");
  assertEquals(parentOf(spans, "task profile"), "nursery fanOut");
  assertEquals(parentOf(spans, "task cart"), "nursery fanOut");
  for (const span of spans.values()) {
    assertEquals(span.status.code, SpanStatusCode.UNSET);
    assertEquals(span.events, []);
  }
  assertEquals(
    spans.get("task profile")!.attributes["task.status"],
    "fulfilled",
  );
});

Deno.test("traceNurseries() parents a nursery opened in a body under that body's nursery", async () => {
  const spans = await traced(() =>
    Nursery.run(async function outer() {
      await Nursery.run(function inner(nursery) {
        nursery.startSoon(() => {}, { name: "step" });
      });
    })
  );
  assertEquals(parentOf(spans, "nursery inner"), "nursery outer");
  assertEquals(parentOf(spans, "task step"), "nursery inner");
});

Deno.test("traceNurseries() marks a failure as an error, and the cancellation it caused with its origin", async () => {
  const spans = await traced(() =>
    Nursery.run(function checkout(nursery) {
      nursery.startSoon((ctx) => work(5_000, null, ctx), { name: "pay" });
      nursery.startSoon(() => {
        throw new Error("out of stock");
      }, { name: "checkStock" });
    })
  );
  const failed = spans.get("task checkStock")!;
  assertEquals(failed.status, {
    code: SpanStatusCode.ERROR,
    message: "out of stock",
  });
  assertEquals(failed.events[0].name, "exception");
  assertEquals(
    failed.events[0].attributes?.["exception.message"],
    "out of stock",
  );
  assertEquals(events(spans, "task pay"), ["cancelled: failure"]);
  assertEquals(spans.get("task pay")!.status.code, SpanStatusCode.UNSET);
  assertEquals(spans.get("task pay")!.attributes["task.status"], "cancelled");
  const nursery = spans.get("nursery checkout")!;
  assertEquals(events(spans, "nursery checkout"), ["cancelled: failure"]);
  assertEquals(
    nursery.events[0].attributes?.["cancel.failed_task"],
    "checkStock",
  );
  assertEquals(nursery.events[0].attributes?.["cancel.path"], "checkout");
  assertEquals(nursery.status.code, SpanStatusCode.ERROR);
});

Deno.test("traceNurseries() fails only the nursery a failure started in, not those it reached", async () => {
  const spans = await traced(() =>
    Nursery.run(function server(nursery) {
      nursery.startSoon(function handle() {
        return Nursery.run(function fanOut(inner) {
          inner.startSoon((ctx) => work(5_000, null, ctx), { name: "profile" });
        });
      });
      nursery.startSoon(async () => {
        await work(1, null);
        throw new Error("db down");
      }, { name: "db" });
    })
  );
  const server = spans.get("nursery server")!;
  assertEquals(server.status.code, SpanStatusCode.ERROR);
  assertEquals(server.events[0].attributes?.["cancel.inherited"], false);
  const fanOut = spans.get("nursery fanOut")!;
  assertEquals(fanOut.status.code, SpanStatusCode.UNSET);
  assertEquals(events(spans, "nursery fanOut"), ["cancelled: failure"]);
  assertEquals(fanOut.events[0].attributes?.["cancel.inherited"], true);
  assertEquals(fanOut.events[0].attributes?.["cancel.failed_task"], "db");
});

Deno.test("traceNurseries() records the origin of timeouts and explicit cancels", async () => {
  const spans = await traced(async () => {
    await Nursery.run(function slow(nursery) {
      nursery.startSoon((ctx) => work(5_000, null, ctx), { name: "crawl" });
    }, { timeout: 5 }).catch(() => {});
    await Nursery.run(function stopped(nursery) {
      nursery.startSoon((ctx) => work(5_000, null, ctx), { name: "serve" });
      nursery.cancel();
    });
  });
  assertEquals(events(spans, "nursery slow"), ["cancelled: timeout"]);
  assertEquals(events(spans, "task crawl"), ["cancelled: timeout"]);
  assertEquals(events(spans, "nursery stopped"), ["cancelled: explicit"]);
  assertEquals(events(spans, "task serve"), ["cancelled: explicit"]);
  // Cancelled is not failed.
  assertEquals(spans.get("nursery stopped")!.status.code, SpanStatusCode.UNSET);
});

Deno.test("traceNurseries() marks when a queued task started", async () => {
  const spans = await traced(() =>
    Nursery.run((nursery) => {
      nursery.startSoon(() => work(1, null), { name: "first" });
      nursery.startSoon(() => work(1, null), { name: "second" });
    }, { name: "limited", concurrency: 1 })
  );
  assertEquals(events(spans, "task first"), []);
  assertEquals(events(spans, "task second"), ["queued", "started"]);
});

Deno.test("traceNurseries() stops tracing once its registration is removed", async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  traceNurseries(provider.getTracer("test")).remove();
  await Nursery.run((nursery) => void nursery.startSoon(() => {}));
  assertEquals(exporter.getFinishedSpans(), []);
  await provider.shutdown();
});

Deno.test("example opentelemetry: one span per task, parented as the tree is", async () => {
  assertEquals(await main(), [
    {
      name: "nursery checkout",
      parent: undefined,
      status: "error",
      events: ["cancelled: failure"],
    },
    {
      name: "nursery steps",
      parent: "task reserve",
      status: "error",
      events: ["cancelled: failure"],
    },
    {
      name: "task checkStock",
      parent: "nursery steps",
      status: "error",
      events: ["exception"],
    },
    {
      name: "task pay",
      parent: "nursery steps",
      status: "unset",
      events: ["cancelled: failure"],
    },
    {
      name: "task reserve",
      parent: "nursery checkout",
      status: "error",
      events: ["exception"],
    },
  ]);
});
