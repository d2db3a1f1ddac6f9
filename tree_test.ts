// Copyright 2026 the @nursery/nursery authors. MIT license.
import { assertEquals, assertStrictEquals } from "@std/assert";
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { Nursery, type SlowCancelReport } from "./mod.ts";
import { untilCancelled } from "./testing/helpers.ts";

Deno.test("tree() renders the live tree of a known nursery exactly", async () => {
  using time = new FakeTime(1_000);
  let text = "";
  const result = Nursery.run(async function server(n) {
    n.startSoon(async function accept() {
      await delay(10);
      await Nursery.run(function connection(conn) {
        conn.startSoon(untilCancelled(() => {}), { name: "read" });
        conn.startSoon(untilCancelled(() => {}), { name: "write" });
      });
    });
    n.startSoon(untilCancelled(() => {}), { name: "ticker" });
    await delay(25);
    text = n.tree();
    n.cancel();
  }, { taskScopes: true }); // nested nurseries are shown under their task
  await time.tickAsync(10);
  await time.tickAsync(15);
  await time.runMicrotasks();
  await result.catch(() => {});
  assertEquals(
    text,
    [
      'nursery "server" open 25ms',
      '  body "server" running 25ms',
      '  task "accept" running 25ms',
      '    nursery "connection" open 15ms',
      '      task "read" running 15ms',
      '      task "write" running 15ms',
      '  task "ticker" running 25ms',
    ].join("\n"),
  );
});

Deno.test("a slow cancellation is reported once, naming the deepest stuck task and its path", async () => {
  using time = new FakeTime(0);
  const reports: SlowCancelReport[] = [];
  let release = () => {};
  const result = Nursery.run((root) => {
    root.startSoon(function worker() {
      return Nursery.run((inner) => {
        // Ignores its signal: the classic hung child.
        inner.startSoon(
          () => new Promise<void>((resolve) => release = resolve),
          {
            name: "stubborn",
          },
        );
      });
    });
    root.startSoon(untilCancelled(() => {}), { name: "polite" });
    root.startSoon(async () => {
      await delay(10);
      root.cancel();
    });
  }, {
    name: "root",
    slowCancelAfter: 1_000,
    onSlowCancel: (report) => reports.push(report),
    taskScopes: true,
  });
  await time.tickAsync(10);
  await time.tickAsync(999);
  assertEquals(reports, []);
  await time.tickAsync(1);
  assertEquals(reports.length, 1);
  const [report] = reports;
  assertEquals(report.elapsed, 1_000);
  assertEquals(report.stuck.map((s) => s.path), [[
    "root",
    "worker",
    "nursery",
    "stubborn",
  ]]);
  assertEquals(report.stuck[0].task.name, "stubborn");
  assertEquals(
    report.message,
    'Nursery "root" was cancelled 1000 ms ago and still waits for 1 task(s) ' +
      "that have not ended (do they ignore their signal?): root > worker > nursery > stubborn",
  );
  // It keeps waiting, and reports only once.
  await time.tickAsync(10_000);
  assertEquals(reports.length, 1);
  release();
  await time.runMicrotasks();
  // The body had returned before cancel(), so run() resolves with its value.
  assertEquals(await result, undefined);
});

Deno.test("by default the report names the deepest stuck task under the task that opened its nursery", async () => {
  using time = new FakeTime(0);
  const reports: SlowCancelReport[] = [];
  let release = () => {};
  const result = Nursery.run((root) => {
    root.startSoon(function worker() {
      return Nursery.run((inner) => {
        inner.startSoon(
          () => new Promise<void>((resolve) => release = resolve),
          {
            name: "stubborn",
          },
        );
      });
    });
    root.cancel();
  }, { name: "root", onSlowCancel: (report) => reports.push(report) });
  await time.tickAsync(5_000);
  // The inner nursery belongs to the worker that opened it: the worker is
  // reported through it, by its deepest stuck task.
  assertEquals(reports[0].stuck.map((s) => s.path.join(" > ")), [
    "root > worker > nursery > stubborn",
  ]);
  release();
  await time.runMicrotasks();
  await result;
});

Deno.test("with taskScopes: false the report still names the deepest stuck task, by the scope it runs in", async () => {
  using time = new FakeTime(0);
  const reports: SlowCancelReport[] = [];
  let release = () => {};
  const result = Nursery.run((root) => {
    root.startSoon(function worker() {
      return Nursery.run((inner) => {
        inner.startSoon(
          () => new Promise<void>((resolve) => release = resolve),
          {
            name: "stubborn",
          },
        );
      });
    });
    root.cancel();
  }, {
    name: "root",
    taskScopes: false,
    onSlowCancel: (report) => reports.push(report),
  });
  await time.tickAsync(5_000);
  // Without taskScopes the inner nursery belongs to the root's scope (its
  // body), and the worker waiting on it is still running too.
  assertEquals(reports[0].stuck.map((s) => s.path.join(" > ")).sort(), [
    "root > root > nursery > stubborn",
    "root > worker",
  ]);
  release();
  await time.runMicrotasks();
  await result;
});

Deno.test("the default slow-cancel report is one console.warn after 5 seconds", async () => {
  using time = new FakeTime(0);
  const warnings: unknown[][] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    let release = () => {};
    const result = Nursery.run((n) => {
      n.startSoon(() => new Promise<void>((resolve) => release = resolve), {
        name: "hung",
      });
      n.cancel();
    });
    await time.tickAsync(4_999);
    assertEquals(warnings.length, 0);
    await time.tickAsync(1);
    assertEquals(warnings.length, 1);
    assertStrictEquals(
      (warnings[0][0] as string).endsWith(": nursery > hung"),
      true,
    );
    release();
    await time.runMicrotasks();
    await result.catch(() => {});
  } finally {
    console.warn = warn;
  }
});

Deno.test("a cancellation that finishes in time reports nothing and leaves no timer", async () => {
  using time = new FakeTime(0);
  const reports: SlowCancelReport[] = [];
  const result = Nursery.run((n) => {
    n.startSoon(untilCancelled(() => {}));
    n.cancel();
  }, { onSlowCancel: (report) => reports.push(report) });
  await time.runMicrotasks();
  await result.catch(() => {});
  assertEquals(time.next(), false);
  assertEquals(reports, []);
});
