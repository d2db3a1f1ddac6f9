// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `deno task test:bun`: runs the cross-runtime suite under Bun. Bun comes
 * from npm (`@oven/bun-<os>-<arch>`, a binary shipped inside the package),
 * installed once into `.cache/bun/`, so a machine needs only Node and npm.
 *
 * @module
 */
const BUN_VERSION = "1.4.5";
const platform = `${Deno.build.os === "darwin" ? "darwin" : "linux"}-${
  Deno.build.arch === "aarch64" ? "aarch64" : "x64"
}`;
const packageName = `@oven/bun-${platform}`;
const root = new URL("../../", import.meta.url);
const cache = new URL(".cache/bun/", root);
const bun = new URL(`node_modules/${packageName}/bin/bun`, cache).pathname;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

if (!await exists(bun)) {
  await Deno.mkdir(cache, { recursive: true });
  console.log(
    `Installing ${packageName}@${BUN_VERSION} from npm into .cache/bun/`,
  );
  const install = await new Deno.Command("npm", {
    args: [
      "install",
      "--prefix",
      cache.pathname,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `${packageName}@${BUN_VERSION}`,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!install.success) Deno.exit(install.code);
}

const run = await new Deno.Command(bun, {
  args: [
    "test",
    "testing/npm/nursery.test.mjs",
    "testing/npm/main.test.mjs",
    "testing/npm/tree_notice.test.mjs",
  ],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).output();
Deno.exit(run.code);
