// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Type-checks the installed package's `.d.ts` files the way a TypeScript
 * user's project would: a file in the scratch project imports every entry
 * point by its package specifier, and tsc (from npm, pinned) checks it under
 * `nodenext` and under `bundler` resolution. `strict` makes an entry point
 * whose types do not resolve an error (TS7016), not a silent `any`.
 *
 * @module
 */
import { runCommand } from "./command.ts";
import { readManifest } from "./npm_package.ts";
import { PROJECT } from "./project.ts";
import { TOOLS } from "./versions.ts";

const RESOLUTIONS = {
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
} as const;

/** What one resolution mode's check gave. */
export interface TypeCheckResult {
  mode: keyof typeof RESOLUTIONS;
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

/** Checks the package's types under each resolution mode. */
export async function typeCheck(): Promise<TypeCheckResult[]> {
  const dir = `${PROJECT}types/`;
  await Deno.mkdir(dir, { recursive: true });
  await writeConsumer(dir);
  const results: TypeCheckResult[] = [];
  for (const [mode, options] of Object.entries(RESOLUTIONS)) {
    const config = `${dir}tsconfig.${mode}.json`;
    await Deno.writeTextFile(
      config,
      JSON.stringify({
        compilerOptions: {
          ...options,
          target: "es2022",
          lib: ["es2022", "dom"],
          strict: true,
          noEmit: true,
          types: [],
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
