// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Finds, in a test file, which tests use a Deno API that the shim does not
 * provide (`Deno.serve`, `Deno.inspect`, ...), so that other runtimes skip
 * them and count them as skipped rather than fail or drop them.
 *
 * The files are `deno fmt`-formatted, so a top-level statement starts at
 * column 0: the scan cuts a file into those statements, notes which declare a
 * name and which mention `Deno.<api>`, and lets a test inherit the uses of
 * every declaration it names, in its own file or in a local module it
 * imports (`import * as server from "./start_server.ts"`, then
 * `server.main()`). A use the scan misses still shows: the shim's `Deno`
 * throws on it, and the test fails saying so.
 *
 * @module
 */

/** The `Deno` members the shim provides on every runtime. */
export const SHIMMED_DENO_MEMBERS: readonly string[] = ["test", "env"];

/** For one file: each test's name, and the Deno APIs it needs. */
export type DenoApiUses = Record<string, string[]>;

interface Statement {
  text: string;
  declares: string[];
}

function statements(source: string): Statement[] {
  const found: Statement[] = [];
  for (const line of source.split("\n")) {
    const startsStatement = /^[^\s})\]]/.test(line) && !line.startsWith("//");
    if (startsStatement || found.length === 0) {
      found.push({ text: "", declares: declaredNames(line) });
    }
    found[found.length - 1].text += line + "\n";
  }
  return found;
}

function declaredNames(line: string): string[] {
  const match = line.match(
    /^(?:export\s+)?(?:async\s+)?(?:function\*?|const|let|class)\s+([\w$]+)/,
  );
  return match ? [match[1]] : [];
}

function apisIn(text: string): Set<string> {
  const apis = new Set<string>();
  // A test named "a Deno.serve handler ..." or a comment uses nothing.
  const code = text.replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/\/\/.*$/gm, "");
  // `as Deno.NetAddr` and `: Deno.Conn` are types, which transpiling erases.
  for (const match of code.matchAll(/(?<!(?:\bas|:)\s*)\bDeno\.([\w$]+)/g)) {
    if (!SHIMMED_DENO_MEMBERS.includes(match[1])) apis.add(match[1]);
  }
  return apis;
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w$.])${name.replace("$", "\\$")}\\b`).test(text);
}

/** Which local modules `source` imports, by the name it binds them to. */
function localImports(
  source: string,
): { path: string; namespace?: string; names: string[] }[] {
  const found = [];
  const pattern =
    /^import\s+(?:\*\s+as\s+([\w$]+)|\{([^}]*)\})\s+from\s+"(\.[^"]+)";/gm;
  for (const match of source.matchAll(pattern)) {
    const names = (match[2] ?? "").split(",").map((part) =>
      part.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop()!
    ).filter(Boolean);
    found.push({ path: match[3], namespace: match[1], names });
  }
  return found;
}

/** The Deno APIs each top-level declaration of `source` needs, transitively. */
function declarationUses(
  source: string,
  inherited: Map<string, Set<string>>,
): Map<string, Set<string>> {
  const uses = new Map(inherited);
  const declarations = statements(source).filter((s) => s.declares.length);
  for (let changed = true; changed;) {
    changed = false;
    for (const { text, declares } of declarations) {
      const apis = apisIn(text);
      for (const [name, needs] of uses) {
        if (!declares.includes(name) && mentions(text, name)) {
          for (const api of needs) apis.add(api);
        }
      }
      for (const name of declares) {
        const before = uses.get(name)?.size ?? 0;
        if (apis.size > before) {
          uses.set(name, apis);
          changed = true;
        }
      }
    }
  }
  return uses;
}

function testName(statement: string): string | undefined {
  return statement.match(/^Deno\.test\(\s*(?:\{\s*name:\s*)?"([^"]+)"/)?.[1];
}

/** The names of the tests that `source` registers, in order. */
export function testNames(source: string): string[] {
  return statements(source).map(({ text }) => testName(text)).filter((
    name,
  ): name is string => name !== undefined);
}

/**
 * Scans the test file at `url`; `read` gives a file's text (the scan also
 * reads the local modules it imports).
 */
export async function scanDenoApiUses(
  url: URL,
  read: (url: URL) => Promise<string>,
): Promise<DenoApiUses> {
  const source = await read(url);
  const inherited = new Map<string, Set<string>>();
  for (const { path, namespace, names } of localImports(source)) {
    const imported = declarationUses(
      await read(new URL(path, url)),
      new Map(),
    );
    for (const [name, apis] of imported) {
      if (namespace) inherited.set(`${namespace}.${name}`, apis);
      else if (names.includes(name)) inherited.set(name, apis);
    }
  }
  const uses = declarationUses(source, inherited);
  const result: DenoApiUses = {};
  for (const { text } of statements(source)) {
    const name = testName(text);
    if (name === undefined) continue;
    const apis = apisIn(text);
    for (const [declared, needs] of uses) {
      if (mentions(text, declared)) { for (const api of needs) apis.add(api); }
    }
    if (apis.size > 0) result[name] = [...apis].sort();
  }
  return result;
}
