// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Type-checks the installed package's `.d.ts` files the way a TypeScript
 * user's project would: a file in the scratch project imports every entry
 * point by its package specifier, and tsc (from npm, pinned) checks it under
 * `nodenext` and under `bundler` resolution with the standard library's
 * types, and under `nodenext` with `@types/node` (from npm, pinned) instead
 * of `esnext.disposable`. `strict` makes an entry point whose types do not
 * resolve an error (TS7016), not a silent `any`.
 *
 * The package's types name the global `Disposable` (an instrument's
 * registration is one, for `using`): a consumer needs TypeScript 5.2 or later
 * with lib `esnext.disposable` (or `esnext`), or `@types/node`, or Deno's or
 * Bun's types. The consumers here are the first two.
 *
 * @module
 */
import { runCommand } from "./command.ts";
import { readManifest } from "./npm_package.ts";
import { PROJECT } from "./project.ts";
import { TOOLS } from "./versions.ts";

const NODENEXT = { module: "nodenext", moduleResolution: "nodenext" } as const;
const BUNDLER = { module: "esnext", moduleResolution: "bundler" } as const;
// `Disposable` comes from lib `esnext.disposable` in TypeScript 5.2 and
// later; "dom" alone, or "es2022", does not declare it.
const STANDARD_LIBS = {
  lib: ["es2022", "esnext.disposable", "dom"],
  types: [],
} as const;
// A Node project: no "dom", no "esnext.disposable"; @types/node declares
// `Disposable` itself.
const NODE_TYPES = { lib: ["es2022"], types: ["node"] } as const;

/** The consumers checked: resolution, libs and types. */
const MODES = {
  nodenext: { ...NODENEXT, ...STANDARD_LIBS },
  bundler: { ...BUNDLER, ...STANDARD_LIBS },
  "nodenext @types/node": { ...NODENEXT, ...NODE_TYPES },
} as const;

/** What one consumer's check gave. */
export interface TypeCheckResult {
  mode: keyof typeof MODES;
  ok: boolean;
  output: string;
}

async function writeConsumer(dir: string): Promise<void> {
  const manifest = await readManifest();
  const imports = Object.keys(manifest.exports).map((subpath, index) =>
    `import * as entry${index} from "${manifest.name}${subpath.slice(1)}";`
  );
  const uses = Object.keys(manifest.exports).map((_, index) => `entry${index}`);
  await Deno.writeTextFile(
    `${dir}consumer.ts`,
    `${imports.join("\n")}
import { Nursery, type Task } from "${manifest.name}";

// Each entry point resolved to declarations, and they describe the API.
export const entries: object[] = [${uses.join(", ")}];
export const answer: Promise<number> = Nursery.run(async (nursery) => {
  const task: Task<number> = nursery.startSoon(() => 41);
  return (await task) + 1;
});
`,
  );
}

/** Checks the package's types for each consumer. */
export async function typeCheck(): Promise<TypeCheckResult[]> {
  const dir = `${PROJECT}types/`;
  await Deno.mkdir(dir, { recursive: true });
  await writeConsumer(dir);
  const results: TypeCheckResult[] = [];
  for (const [mode, options] of Object.entries(MODES)) {
    const config = `${dir}tsconfig.${mode.replace(/\W+/g, "-")}.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        compilerOptions: {
          ...options,
          target: "es2022",
          strict: true,
          noEmit: true,
        },
        files: ["consumer.ts"],
      }),
    );
    const { ok, output } = await runCommand(Deno.execPath(), [
      "run",
      "--allow-read",
      "--allow-env",
      `npm:typescript@${TOOLS.typescript}/tsc`,
      "-p",
      config,
    ], { cwd: dir });
    results.push({ mode: mode as TypeCheckResult["mode"], ok, output });
  }
  return results;
}
