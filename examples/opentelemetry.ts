// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Nurseries and tasks as OpenTelemetry spans, from `instrument()` hooks:
 * one span per nursery and per task, parented as the tree is, status
 * `ERROR` for a failure, and an event for each cancellation with its
 * origin. The library has no dependency on OpenTelemetry: this file is all
 * it takes, with the official `@opentelemetry/api`.
 *
 * @module
 */
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import {
  Cancelled,
  instrument,
  type InstrumentRegistration,
  Nursery,
} from "../mod.ts";
import { work } from "./_work.ts";

/**
 * Where a cancellation came from: a `Cancelled` says so; a `TimeoutError`
 * is a deadline's; any other reason was given by the caller.
 */
function originOf(reason: unknown): string {
  if (reason instanceof Cancelled && reason.origin !== undefined) {
    return reason.origin;
  }
  return reason instanceof DOMException && reason.name === "TimeoutError"
    ? "timeout"
    : "given";
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/** A cancellation event's attributes: where it came from, as data. */
function cancelAttributes(reason: unknown): Attributes {
  const attributes: Attributes = {
    "cancel.origin": originOf(reason),
    "cancel.reason": messageOf(reason),
  };
  if (reason instanceof Cancelled) {
    attributes["cancel.path"] = reason.path.join(" > ");
    if (reason.failedTask !== undefined) {
      attributes["cancel.failed_task"] = reason.failedTask;
    }
  }
  return attributes;
}

/**
 * Traces every nursery and task of the process with `tracer`, until the
 * returned registration is removed.
 */
export function traceNurseries(tracer: Tracer): InstrumentRegistration {
  // Keyed by the nursery or task handle: a span lives as long as its scope.
  const spans = new WeakMap<object, Span>();
  const queued = new WeakSet<object>();
  const parentContext = (owner: object | undefined): Context => {
    const span = owner === undefined ? undefined : spans.get(owner);
    // A root nursery continues whatever span is active where it opened.
    return span === undefined
      ? context.active()
      : trace.setSpan(context.active(), span);
  };
  return instrument({
    nurseryOpened(nursery) {
      // Opened in a task: under that task's span. Opened in another
      // nursery's body (which has no span of its own): under that nursery.
      const task = nursery.parent;
      const parent = task !== undefined && spans.has(task)
        ? task
        : task?.parent;
      spans.set(
        nursery,
        tracer.startSpan(`nursery ${nursery.name}`, {
          attributes: { "nursery.name": nursery.name },
        }, parentContext(parent)),
      );
    },
    taskSpawned(task) {
      spans.set(
        task,
        tracer.startSpan(`task ${task.name}`, {
          attributes: { "task.name": task.name },
        }, parentContext(task.parent)),
      );
      if (task.status === "queued") {
        queued.add(task);
        spans.get(task)?.addEvent("queued");
      }
    },
    taskStarted(task) {
      // The span began when the task was spawned; mark when a queued one ran.
      if (queued.delete(task)) spans.get(task)?.addEvent("started");
    },
    taskSettled(task) {
      const span = spans.get(task);
      if (span === undefined) return;
      span.setAttribute("task.status", task.status);
      if (task.status === "cancelled") {
        span.addEvent("cancelled", cancelAttributes(task.signal.reason));
      }
      if (task.status !== "rejected") {
        span.end();
        return;
      }
      const error = task.outcome;
      if (error instanceof Error) span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
      span.end();
    },
    nurseryCancelled(nursery, reason, { origin, inherited }) {
      const span = spans.get(nursery);
      span?.addEvent("cancelled", {
        ...cancelAttributes(reason),
        "cancel.origin": origin,
        "cancel.inherited": inherited,
      });
      // A failure cancels its own nursery, which then fails too.
      if (!inherited && origin === "failure") {
        span?.setStatus({
          code: SpanStatusCode.ERROR,
          message: messageOf(reason),
        });
      }
    },
    nurseryClosed(nursery) {
      spans.get(nursery)?.end();
    },
  });
}

/** A span as the example's test reads it. */
export interface SpanSummary {
  name: string;
  parent: string | undefined;
  status: "unset" | "ok" | "error";
  events: string[];
}

function summarize(spans: ReadableSpan[]): SpanSummary[] {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  return spans.map((span) => ({
    name: span.name,
    parent: byId.get(span.parentSpanContext?.spanId ?? "")?.name,
    status: (["unset", "ok", "error"] as const)[span.status.code],
    events: span.events.map((event) =>
      [event.name, event.attributes?.["cancel.origin"]].filter(Boolean).join(
        ": ",
      )
    ),
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A checkout traced into memory: the payment and the stock check run in
 * their own nursery; the stock check fails, which cancels the payment.
 */
export async function main(): Promise<SpanSummary[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("checkout");
  {
    using _tracing = traceNurseries(tracer);
    await Nursery.run(async function checkout(nursery) {
      nursery.startSoon(async function reserve() {
        await Nursery.run(function steps(steps) {
          steps.startSoon((ctx) => work(5_000, "paid", ctx), { name: "pay" });
          steps.startSoon(async (ctx) => {
            await work(5, null, ctx);
            throw new Error("out of stock");
          }, { name: "checkStock" });
        });
      });
      await work(1, null);
    }).catch(() => {});
    // The failed task's span ends once its error is read, a microtask later.
    await work(0, null);
  }
  const spans = summarize(exporter.getFinishedSpans());
  await provider.shutdown();
  return spans;
}

if (import.meta.main) console.log(await main());
