// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * A worker for cancel_tree_test.ts: loads the library where no async context
 * exists, as in a browser. It hides `process.getBuiltinModule` (the library's
 * only way to reach `AsyncLocalStorage`) before the first import, runs the
 * cases, and posts what it saw.
 *
 * @module
 */
const process = (globalThis as { process?: { getBuiltinModule?: unknown } })
  .process;
if (process !== undefined) {
  Object.defineProperty(process, "getBuiltinModule", {
    value: undefined,
    configurable: true,
  });
}

const { failAfter, Nursery } = await import("../mod.ts");
const { FakeTime } = await import("@std/testing/time");

function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(signal.reason), {
      once: true,
    })
  );
}

function nameOf(value: unknown): unknown {
  return value instanceof Error || value instanceof DOMException
    ? value.name
    : value;
}

const seen: Record<string, unknown> = {
  asyncContext: typeof process?.getBuiltinModule === "function",
};

{
  // failAfter(ms, () => Nursery.run(body)): the nursery is opened in the
  // synchronous part of fn, so the deadline's scope is its parent.
  using time = new FakeTime(0);
  const result = failAfter(10, () =>
    Nursery.run((n) => {
      n.startSoon(async ({ signal }) => {
        seen.childSaw = nameOf(await aborted(signal));
        throw signal.reason;
      });
    })).then(() => "resolved", nameOf);
  await time.tickAsync(10);
  for (let i = 0; i < 3; i++) await time.runMicrotasks();
  seen.failAfter = await Promise.race([result, "still running"]);
}

{
  // task.cancel() reaches a nursery the task opened in its synchronous part.
  const reason = new Error("just the task");
  seen.taskCancel = await Nursery.run(async (n) => {
    let innerSaw: unknown = "not cancelled";
    let nested: { cancel(): void } | undefined;
    const task = n.startSoon(() =>
      Nursery.run((inner) => {
        nested = inner;
        inner.startSoon(async ({ signal }) => {
          innerSaw = await aborted(signal) === reason ? "the reason" : "other";
          throw signal.reason;
        });
      })
    );
    await Promise.resolve();
    task.cancel(reason);
    const settled = await Promise.race([
      task.then(() => "resolved", () => "rejected"),
      new Promise((resolve) => setTimeout(() => resolve("still running"), 50)),
    ]);
    // Not reached: end it by hand, so that the worker can report.
    if (settled === "still running") nested?.cancel();
    await task.catch(() => {});
    return { innerSaw, settled };
  });
}

(globalThis as unknown as { postMessage(message: unknown): void })
  .postMessage(seen);
