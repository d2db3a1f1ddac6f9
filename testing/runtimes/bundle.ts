// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Bundles the project's own test files for one kind of runtime, as a user's
 * bundler would see them, with esbuild:
 *
 * - `./mod.ts`, `../nursery.ts` and the like become the package specifier
 *   (`@nursery/nursery`, `@nursery/nursery/nursery`), so the tests exercise
 *   the installed tarball, not the sources;
 * - `@std/*` resolve to the offline stand-ins, as in the offline Deno run;
 * - every repository file gets its own `Deno` from the shim;
 * - `using` is lowered (Node 22, Bun 1.1 and Firefox ESR lack it).
 *
 * For Node and Bun the package and npm modules stay imports, resolved from
 * the scratch project; for browsers and workerd everything is bundled.
 *
 * @module
 */
// deno.json carries only the library's imports; this tool is pinned here.
// deno-lint-ignore no-import-prefix
import * as esbuild from "npm:esbuild@0.28.2";
import {
  type DenoApiUses,
  scanDenoApiUses,
  testNames,
} from "./deno_api_scan.ts";
import { readManifest } from "./npm_package.ts";
import { PROJECT } from "./project.ts";
import { ROOT, rootPath } from "./paths.ts";
import type { FileFacts } from "./shim/registry.ts";

/** What a bundle is for. */
export type BundleKind = "node" | "bun" | "browser" | "workerd";

// A file with this marker needs @std APIs that the stand-ins lack.
const ONLINE_ONLY_MARKER = "// @std-online-only";
// A test file that needs Node built-ins (through an npm package's Node
// build) carries this: skipped whole where the suite is bundled.
const SERVER_ONLY_MARKER = "// @runtime-server-only";
const SHIM = new URL("shim/", import.meta.url);
// Marks the plugin's own call to esbuild's resolver, which it must let pass.
const RESOLVING = Symbol("resolving the package from the scratch project");
const RUNNER_SETUP: Record<BundleKind, string[]> = {
  node: ["node_runner.ts"],
  bun: ["bun_runner.ts"],
  browser: ["browser_setup.ts"],
  workerd: ["worker_setup.ts"],
};
const RUNNER_MAIN: Record<BundleKind, string> = {
  node: "",
  bun: "",
  browser: 'import "./browser_main.ts";',
  workerd: 'export { default } from "./worker_main.ts";',
};

/** The test files: every `*_test.ts` under the repository, sorted. */
export async function testFiles(): Promise<string[]> {
  const files: string[] = [];
  const skip = new Set([".git", "node_modules", "dist", ".cache", "coverage"]);
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(new URL(dir || ".", ROOT))) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory && !skip.has(entry.name)) await walk(path);
      else if (entry.isFile && entry.name.endsWith("_test.ts")) {
        files.push(path);
      }
    }
  }
  await walk("");
  return files.sort();
}

async function offlineMap(): Promise<Map<string, string>> {
  const file = rootPath("testing/offline_std/import_map.json");
  const { imports } = JSON.parse(await Deno.readTextFile(file)) as {
    imports: Record<string, string>;
  };
  const map = new Map<string, string>();
  for (const [specifier, target] of Object.entries(imports)) {
    const npm = target.match(/^npm:((?:@[^/]+\/)?[^@/]+)@[^/]+$/);
    map.set(
      specifier,
      npm ? npm[1] : new URL(target, `file://${file}`).pathname,
    );
  }
  return map;
}

function relativeToRoot(path: string): string {
  return path.slice(rootPath("").length);
}

/** Bundles the suite for `kind`; returns the bundle's path. */
export async function bundleSuite(kind: BundleKind): Promise<string> {
  const manifest = await readManifest();
  const bySource = new Map<string, string>();
  for (const [subpath, source] of Object.entries(manifest.exports)) {
    bySource.set(
      rootPath(source.slice(2)),
      manifest.name + subpath.slice(1),
    );
  }
  const stdMap = await offlineMap();
  const files = await testFiles();
  const bundled = kind === "browser" || kind === "workerd";
  const read = (url: URL) => Deno.readTextFile(url);

  const plugin: esbuild.Plugin = {
    name: "nursery-suite",
    setup(build) {
      build.onResolve({ filter: /\/bun_test_api\.ts$/ }, () => ({
        path: "bun:test",
        external: true,
      }));
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (!args.importer.startsWith(rootPath("")) || !args.resolveDir) {
          return undefined;
        }
        if (args.importer.includes("/node_modules/")) return undefined;
        const path = new URL(args.path, `file://${args.resolveDir}/`).pathname;
        const isLibrary = !path.slice(rootPath("").length).includes("/") &&
          !path.endsWith("_test.ts");
        if (!isLibrary) return undefined;
        const specifier = bySource.get(path);
        if (!specifier) {
          // A test of a private module (`./_context.ts`): the same file of
          // the installed package, by its path, so it is the one instance
          // the package's own modules import.
          const file = `${PROJECT}node_modules/${manifest.name}/${
            relativeToRoot(path).replace(/\.ts$/, ".js")
          }`;
          return { path: file, external: !bundled };
        }
        return await packageImport(build, specifier, args.kind);
      });
      build.onResolve({ filter: /^[@\w]/ }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        const target = stdMap.get(args.path);
        if (target?.startsWith("/")) return { path: target };
        if (
          args.path === manifest.name || args.path.startsWith(
            `${manifest.name}/`,
          )
        ) {
          return await packageImport(build, args.path, args.kind);
        }
        return undefined;
      });
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        const inRepo = args.path.startsWith(rootPath("")) &&
          !args.path.includes("/node_modules/") &&
          !args.path.startsWith(new URL("shim/", import.meta.url).pathname);
        if (!inRepo) return undefined;
        const source = await Deno.readTextFile(args.path);
        if (!/\bDeno\./.test(source)) return undefined;
        const file = relativeToRoot(args.path);
        const facts: FileFacts = { file, denoApis: {} };
        if (file.endsWith("_test.ts")) {
          facts.denoApis = await scanDenoApiUses(
            new URL(`file://${args.path}`),
            read,
          ) satisfies DenoApiUses;
          if (source.includes(ONLINE_ONLY_MARKER)) {
            facts.skipFile = "needs @std APIs the offline stand-ins lack";
          } else if (bundled && source.includes(SERVER_ONLY_MARKER)) {
            facts.skipFile =
              "needs Node built-ins (an npm package's Node build)";
          }
        }
        const prologue = `import { denoFor as __denoFor } from ${
          JSON.stringify(new URL("deno.ts", SHIM).pathname)
        };\nconst Deno = __denoFor(${JSON.stringify(facts)}) as any;\n`;
        if (facts.skipFile) {
          // Its imports cannot load here: register its tests, all skipped.
          const skipped = testNames(source).map((name) =>
            `Deno.test(${JSON.stringify(name)}, () => {});`
          );
          return { contents: prologue + skipped.join("\n"), loader: "ts" };
        }
        return { contents: prologue + source, loader: "ts" };
      });
    },
  };

  async function packageImport(
    build: esbuild.PluginBuild,
    specifier: string,
    kind: esbuild.ImportKind,
  ): Promise<esbuild.OnResolveResult> {
    if (!bundled) return { path: specifier, external: true };
    const resolved = await build.resolve(specifier, {
      kind,
      resolveDir: PROJECT,
      pluginData: RESOLVING,
    });
    return resolved.errors.length
      ? { errors: resolved.errors }
      : { path: resolved.path };
  }

  const setup = RUNNER_SETUP[kind].map((file) =>
    `import ${JSON.stringify(new URL(file, SHIM).pathname)};`
  );
  const tests = files.map((file) =>
    `import ${JSON.stringify(rootPath(file))};`
  );
  const outfile = `${PROJECT}suites/${kind}.test.mjs`;
  await esbuild.build({
    stdin: {
      contents: [...setup, ...tests, RUNNER_MAIN[kind]].join("\n"),
      resolveDir: SHIM.pathname,
      sourcefile: "suite-entry.ts",
      loader: "ts",
    },
    bundle: true,
    // Names are data here: a task is named after its function.
    keepNames: true,
    format: "esm",
    platform: kind === "browser"
      ? "browser"
      : kind === "workerd"
      ? "neutral"
      : "node",
    target: "es2022",
    packages: bundled ? undefined : "external",
    external: ["node:*"],
    nodePaths: [`${PROJECT}node_modules`],
    mainFields: ["module", "main"],
    conditions: kind === "workerd" ? ["workerd", "worker", "browser"] : [],
    define: {
      "import.meta.main": "false",
      // workerd before nodejs_compat (the nodejs_als row) leaves
      // import.meta.url undefined, and test files build URLs from it at load
      // time (for tests that need Deno APIs, skipped there): the URL current
      // workerd gives the bundle.
      ...(kind === "workerd"
        ? { "import.meta.url": JSON.stringify("file:///bundle/suite.mjs") }
        : {}),
    },
    sourcemap: "inline",
    outfile,
    plugins: [plugin],
    logLevel: "warning",
  });
  await esbuild.stop();
  return outfile;
}
