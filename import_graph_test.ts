// Copyright 2026 the @nursery/nursery authors. MIT license.
// The library's import graph has no cycle, type imports included, and the
// pattern helpers never reach nursery.ts: it delegates to them.
import { assertEquals } from "@std/assert";

const ROOT = new URL("./", import.meta.url);
const IMPORT = /(?:import|export)\s[^;]*?from\s*"(\.\/[^"]+)"/g;

async function libraryGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for await (const entry of Deno.readDir(ROOT)) {
    const file = entry.name;
    if (!entry.isFile || !file.endsWith(".ts") || file.endsWith("_test.ts")) {
      continue;
    }
    const text = await Deno.readTextFile(new URL(file, ROOT));
    const imports = [...text.matchAll(IMPORT)].map((match) =>
      match[1].slice(2)
    );
    graph.set(file, [...new Set(imports)].filter((to) => !to.includes("/")));
  }
  return graph;
}

function reachable(graph: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  while (todo.length > 0) {
    for (const next of graph.get(todo.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}

Deno.test("the pattern modules (stream, any, map) never import nursery.ts, even for types", async () => {
  const graph = await libraryGraph();
  for (const file of ["stream.ts", "any.ts", "map.ts"]) {
    assertEquals(reachable(graph, file).has("nursery.ts"), false, file);
  }
});

Deno.test("the library's import graph has no cycle, type imports included", async () => {
  const graph = await libraryGraph();
  const inCycle = [...graph.keys()].filter((file) =>
    reachable(graph, file).has(file)
  ).sort();
  assertEquals(inCycle, []);
});
