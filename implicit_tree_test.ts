// Copyright 2026 the @nursery/nursery authors. MIT license.
// The process-wide switch, and the two warnings: a tree lost where no async
// context exists, and Node's async hooks taxing every promise.
import {
  assert,
  assertEquals,
  assertFalse,
  assertStringIncludes,
} from "@std/assert";
import {
  configureImplicitTree,
  failAfter,
  implicitTreeMode,
  Nursery,
} from "./mod.ts";
import { setScopeTracking } from "./_context.ts";
import {
  noticeAsyncHooks,
  resetTreeWarnings,
  ridesOnAsyncHooks,
} from "./_tree_warnings.ts";

/** Runs `fn` with console.warn recorded, and every switch back as it was. */
async function withWarnings(
  fn: (warnings: string[]) => Promise<void>,
): Promise<void> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warnings.push(message);
  resetTreeWarnings();
  try {
    await fn(warnings);
  } finally {
    console.warn = warn;
    setScopeTracking(true);
    configureImplicitTree({ asyncContext: true, warn: true });
    resetTreeWarnings();
  }
}

/** A nursery whose one task opens `open()` after an await, and returns it. */
function openedAfterAwait<T>(open: () => Promise<T>): Promise<T> {
  return Nursery.run(async (nursery) =>
    await nursery.startSoon(async () => {
      await Promise.resolve();
      return await open();
    })
  );
}

Deno.test("without AsyncLocalStorage, a scope opened without a signal inside a task after an await warns, once", async () => {
  await withWarnings(async (warnings) => {
    setScopeTracking(false); // as in a browser
    await openedAfterAwait(() => Nursery.run(() => {}));
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0], "no AsyncLocalStorage");
    assertStringIncludes(warnings[0], "({ signal })");
    assertStringIncludes(warnings[0], "configureImplicitTree({ warn: false })");
    await openedAfterAwait(() => failAfter(1_000, () => 1));
    await openedAfterAwait(() => Nursery.run(() => {}));
    assertEquals(warnings.length, 1);
  });
});

Deno.test("without AsyncLocalStorage, a timeout opened after an await warns too", async () => {
  await withWarnings(async (warnings) => {
    setScopeTracking(false);
    await openedAfterAwait(() => failAfter(1_000, () => 1));
    assertEquals(warnings.length, 1);
  });
});

Deno.test("no warning for a scope given a signal, opened synchronously in its task, or opened while no nursery runs", async () => {
  await withWarnings(async (warnings) => {
    setScopeTracking(false);
    // Linked by the signal it was given.
    await Nursery.run(async (nursery) =>
      await nursery.startSoon(async ({ signal }) => {
        await Promise.resolve();
        await Nursery.run(() => {}, { signal });
        await failAfter(1_000, () => 1, { signal });
      })
    );
    // Linked synchronously: the task's call is on the stack.
    let inner: Nursery | undefined;
    await Nursery.run((nursery) => {
      nursery.startSoon(() =>
        Nursery.run((opened) => {
          inner = opened;
        })
      );
    });
    assert(inner?.parent !== undefined);
    // A root with nothing else running is what it looks like.
    await Promise.resolve();
    await Nursery.run(() => {});
    assertEquals(warnings, []);
  });
});

Deno.test("no warning where AsyncLocalStorage links the scope", async () => {
  await withWarnings(async (warnings) => {
    let parent: unknown;
    await openedAfterAwait(() =>
      Nursery.run((inner) => {
        parent = inner.parent;
      })
    );
    assert(parent !== undefined);
    assertEquals(warnings, []);
  });
});

Deno.test("configureImplicitTree({ warn: false }) silences the lost-tree warning", async () => {
  await withWarnings(async (warnings) => {
    setScopeTracking(false);
    configureImplicitTree({ warn: false });
    await openedAfterAwait(() => Nursery.run(() => {}));
    assertEquals(warnings, []);
  });
});

Deno.test("configureImplicitTree({ asyncContext: false }): scopes link only synchronously, without a warning, until turned back on", async () => {
  await withWarnings(async (warnings) => {
    assertEquals(implicitTreeMode(), "async context");
    configureImplicitTree({ asyncContext: false });
    assertEquals(implicitTreeMode(), "synchronous");
    let innerSignal: AbortSignal | undefined;
    const taskCancelled = await Nursery.run(async (nursery) => {
      const task = nursery.startSoon(async () => {
        await Promise.resolve();
        await Nursery.run((inner) => {
          innerSignal = inner.signal;
          task.cancel();
        });
      });
      await task;
      return task.signal.aborted;
    });
    // Opened after an await: a root, which the task's cancel missed.
    assert(taskCancelled);
    assertFalse(innerSignal!.aborted);
    assertEquals(warnings, []);

    configureImplicitTree({ asyncContext: true });
    assertEquals(implicitTreeMode(), "async context");
    let linked: unknown;
    await openedAfterAwait(() =>
      Nursery.run((inner) => {
        linked = inner.parent;
      })
    );
    assert(linked !== undefined);
  });
});

Deno.test("Node's AsyncLocalStorage on async hooks is told apart from AsyncContextFrame, Bun and Deno", () => {
  const hooks = { _propagate() {}, run() {} };
  const frame = { run() {} };
  const node = { versions: { node: "22.23.3" } };
  assert(ridesOnAsyncHooks(hooks, node));
  assertFalse(ridesOnAsyncHooks(frame, node));
  // Bun copies the method, without the hooks.
  assertFalse(
    ridesOnAsyncHooks(hooks, { versions: { node: "24.3.0", bun: "1.4.5" } }),
  );
  // No Node: a browser or a worker.
  assertFalse(ridesOnAsyncHooks(hooks, undefined));
  assertFalse(ridesOnAsyncHooks(hooks, {}));
  // Deno's own storage, where the suite runs on Deno (the suite's runs on
  // Node and Bun check theirs in testing/npm/tree_notice.test.mjs).
  const process = (globalThis as unknown as {
    process?: {
      versions: { deno?: string; node?: string };
      getBuiltinModule(id: string): { AsyncLocalStorage: unknown };
    };
  }).process;
  if (process?.versions.deno !== undefined) {
    const { AsyncLocalStorage } = process.getBuiltinModule("node:async_hooks");
    assertFalse(
      ridesOnAsyncHooks(
        (AsyncLocalStorage as { prototype: object }).prototype,
        process,
      ),
    );
  }
});

Deno.test("the async-hooks notice is said once, and not at all after warn: false", async () => {
  await withWarnings((warnings) => {
    noticeAsyncHooks();
    noticeAsyncHooks();
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0], "--experimental-async-context-frame");
    assertStringIncludes(warnings[0], "asyncContext: false");
    resetTreeWarnings();
    configureImplicitTree({ warn: false });
    noticeAsyncHooks();
    assertEquals(warnings.length, 1);
    return Promise.resolve();
  });
});

Deno.test("a console.warn that throws does not fail the scope being opened", async () => {
  const warn = console.warn;
  console.warn = () => {
    throw new Error("no console here");
  };
  resetTreeWarnings();
  setScopeTracking(false);
  try {
    assertEquals(await openedAfterAwait(() => failAfter(1_000, () => 1)), 1);
    resetTreeWarnings();
    assertEquals(await openedAfterAwait(() => Nursery.run(() => 2)), 2);
    resetTreeWarnings();
    noticeAsyncHooks();
  } finally {
    console.warn = warn;
    setScopeTracking(true);
    resetTreeWarnings();
  }
});

/** What `testing/first_turn/probe.ts` printed, run in a fresh Deno. */
async function firstTurnProbe(...args: string[]): Promise<unknown> {
  const probe = new URL("./testing/first_turn/probe.ts", import.meta.url);
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--no-config", probe.pathname, ...args],
    stdout: "piped",
    stderr: "null",
  }).output();
  assertEquals(code, 0);
  return JSON.parse(new TextDecoder().decode(stdout));
}

Deno.test("with process.getBuiltinModule, a scope opened in the library's first turn is linked after an await", async () => {
  assertEquals(await firstTurnProbe(), {
    first: { mode: "async context", linked: true },
    later: { mode: "async context", linked: true },
  });
});

Deno.test("without process.getBuiltinModule (Bun 1.1), scopes opened in the first turn get the synchronous fallback, and the tree is there from the next turn on", async () => {
  assertEquals(await firstTurnProbe("--without-get-builtin-module"), {
    first: { mode: "synchronous", linked: false },
    later: { mode: "async context", linked: true },
  });
});
