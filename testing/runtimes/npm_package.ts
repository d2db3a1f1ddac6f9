// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Builds the npm package the way JSR's npm layer serves it, and packs it:
 *
 * - every source file transpiled on its own to an ES module (`X.js`, with a
 *   source map), its declarations in `_dist/X.d.ts` (with a map);
 * - a `package.json` with `"type": "module"`, an `exports` entry with `types`
 *   and `default` for every entry point of `deno.json`'s `exports`, and
 *   `engines`;
 * - `npm pack`, which gives the tarball that a project installs.
 *
 * @module
 */
import { runCommand } from "./command.ts";
import { cachePath, ROOT, rootPath } from "./paths.ts";
import { ENGINES, TOOLS } from "./versions.ts";

/** The package's name, version and entry points, from `deno.json`. */
export interface PackageManifest {
  name: string;
  version: string;
  description: string;
  license: string;
  /** `deno.json` exports: subpath (".", "./nursery") to source ("./mod.ts"). */
  exports: Record<string, string>;
}

/** Reads the package's manifest from `deno.json`. */
export async function readManifest(): Promise<PackageManifest> {
  const text = await Deno.readTextFile(new URL("deno.json", ROOT));
  return JSON.parse(text) as PackageManifest;
}

/** The `package.json` exports map for the entry points of `manifest`. */
export function exportsMap(
  manifest: PackageManifest,
): Record<string, { types: string; default: string }> {
  const map: Record<string, { types: string; default: string }> = {};
  for (const [subpath, source] of Object.entries(manifest.exports)) {
    const stem = source.replace(/^\.\//, "").replace(/\.ts$/, "");
    map[subpath] = { types: `./_dist/${stem}.d.ts`, default: `./${stem}.js` };
  }
  return map;
}

/**
 * Builds the package into `.cache/runtimes/package/` and packs it; returns
 * the tarball's path.
 */
export async function buildPackage(): Promise<string> {
  const manifest = await readManifest();
  const stage = cachePath("package/stage/");
  const out = cachePath("package/");
  await Deno.remove(stage, { recursive: true }).catch(() => {});
  await Deno.mkdir(stage, { recursive: true });
  const tsconfig = {
    compilerOptions: {
      target: "ESNext",
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ESNext", "DOM"],
      // One file in, one file out: what a per-file transpiler can do.
      isolatedModules: true,
      verbatimModuleSyntax: true,
      rewriteRelativeImportExtensions: true,
      declaration: true,
      declarationMap: true,
      sourceMap: true,
      inlineSources: true,
      rootDir: rootPath(""),
      outDir: stage,
      declarationDir: `${stage}_dist`,
      strict: true,
      skipLibCheck: true,
      types: [],
    },
    files: Object.values(manifest.exports).map((source) => rootPath(source)),
  };
  const config = cachePath("package/tsconfig.json");
  await Deno.writeTextFile(config, JSON.stringify(tsconfig, null, 2));
  const tsc = await runCommand(Deno.execPath(), [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    `npm:typescript@${TOOLS.typescript}/tsc`,
    "-p",
    config,
  ]);
  if (!tsc.ok) {
    throw new Error(`tsc could not build the package:\n${tsc.output}`);
  }
  const packageJson = {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    type: "module",
    exports: exportsMap(manifest),
    engines: ENGINES,
    sideEffects: false,
  };
  await Deno.writeTextFile(
    `${stage}package.json`,
    JSON.stringify(packageJson, null, 2) + "\n",
  );
  for (const file of ["README.md", "LICENSE"]) {
    await Deno.copyFile(rootPath(file), `${stage}${file}`);
  }
  const pack = await runCommand("npm", [
    "pack",
    "--json",
    "--pack-destination",
    out,
  ], { cwd: stage });
  if (!pack.ok) throw new Error(`npm pack failed:\n${pack.output}`);
  const [{ filename }] = JSON.parse(
    pack.output.slice(pack.output.indexOf("[")),
  ) as { filename: string }[];
  return `${out}${filename}`;
}
