// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The scratch project every non-Deno runtime runs in: a `package.json` that
 * depends on the packed tarball under the package's own name, plus the npm
 * packages the tests import (their versions from the offline import map,
 * the same as Deno uses), the tools that drive browsers and workerd, and
 * `@types/node` for the type check's Node consumer.
 *
 * @module
 */
import { runCommand } from "./command.ts";
import { cachePath, rootPath } from "./paths.ts";
import { TOOLS } from "./versions.ts";

/** The scratch project's folder. */
export const PROJECT: string = cachePath("project/");

/**
 * The npm packages the tests import, as `name -> version`, read from the
 * `npm:` entries of the offline import map.
 */
export async function testDependencies(): Promise<Record<string, string>> {
  const map = JSON.parse(
    await Deno.readTextFile(rootPath("testing/offline_std/import_map.json")),
  ) as { imports: Record<string, string> };
  const dependencies: Record<string, string> = {};
  for (const target of Object.values(map.imports)) {
    const match = target.match(/^npm:((?:@[^/]+\/)?[^@/]+)@([^/]+)$/);
    if (match) dependencies[match[1]] = match[2];
  }
  return dependencies;
}

/** Installs `tarball` (and the rest) into the scratch project. */
export async function installProject(
  packageName: string,
  tarball: string,
): Promise<void> {
  await Deno.mkdir(PROJECT, { recursive: true });
  const packageJson = {
    name: "nursery-runtimes-scratch",
    private: true,
    type: "module",
    dependencies: {
      [packageName]: `file:${tarball}`,
      ...await testDependencies(),
      "puppeteer-core": TOOLS.puppeteerCore,
      "workerd": TOOLS.workerd,
      "@types/node": TOOLS.typesNode,
    },
  };
  await Deno.writeTextFile(
    `${PROJECT}package.json`,
    JSON.stringify(packageJson, null, 2) + "\n",
  );
  // A rebuilt tarball keeps its version: make npm take the new one.
  await Deno.remove(`${PROJECT}node_modules/${packageName}`, {
    recursive: true,
  }).catch(() => {});
  const install = await runCommand("npm", [
    "install",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
  ], { cwd: PROJECT });
  if (!install.ok) throw new Error(`npm install failed:\n${install.output}`);
}
