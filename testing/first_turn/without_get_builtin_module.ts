// Copyright 2026 the @nursery/nursery authors. MIT license.
// Imported before the library by probe.ts, when asked: the library then
// finds AsyncLocalStorage as on Bun 1.1, through its dynamic import.
if (Deno.args.includes("--without-get-builtin-module")) {
  const process = (globalThis as { process?: { getBuiltinModule?: unknown } })
    .process;
  // Shadowed, not deleted: in Deno 2.1 it is on the prototype.
  if (process !== undefined) {
    Object.defineProperty(process, "getBuiltinModule", { value: undefined });
  }
}
