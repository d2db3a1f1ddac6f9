// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Finds a runtime's binary, and installs it when asked: npm packages into the
 * cache (each in its own prefix, no install scripts needed: the packages
 * named in the matrix carry the binary itself), Debian packages with apt-get.
 *
 * @module
 */
import { runCommand } from "./command.ts";
import { executable, npmPrefix, type Runtime } from "./matrix.ts";

/** Whether the runtime's binary is there. */
export async function isInstalled(runtime: Runtime): Promise<boolean> {
  try {
    return (await Deno.stat(executable(runtime))).isFile;
  } catch {
    return false;
  }
}

/** Why a runtime that is not installed is missing, and how to get it. */
export function howToInstall(runtime: Runtime): string {
  const { source } = runtime;
  if (source.from === "apt") {
    return `no ${source.binary} (apt-get install ${source.package})`;
  }
  return "not installed: deno task test:runtimes installs them";
}

let aptUpdated = false;

/** Installs the runtime; throws with the installer's output if that fails. */
export async function install(runtime: Runtime): Promise<void> {
  const { source } = runtime;
  if (source.from === "self") return;
  if (source.from === "npm") {
    const prefix = npmPrefix(source);
    await Deno.mkdir(prefix, { recursive: true });
    const result = await runCommand("npm", [
      "install",
      "--prefix",
      prefix,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `${source.package}@${source.version}`,
    ]);
    if (!result.ok) throw new Error(result.output);
    // Some of these packages (@deno/linux-x64-glibc@2.0.0) ship the binary
    // without its execute bit and set it in an install script.
    await Deno.chmod(executable(runtime), 0o755);
    return;
  }
  if (!aptUpdated) {
    const update = await runCommand("apt-get", ["update"]);
    if (!update.ok) throw new Error(update.output);
    aptUpdated = true;
  }
  const result = await runCommand("apt-get", [
    "install",
    "-y",
    "--no-install-recommends",
    source.package,
  ], { env: { DEBIAN_FRONTEND: "noninteractive" } });
  if (!result.ok) throw new Error(result.output);
}
