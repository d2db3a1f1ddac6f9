// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Nurseries that survive a failing child. A server hands each request's
 * failure to `onTaskError` (log it, answer 500) and keeps serving; nothing
 * is kept, so it can run for months. A health check with `failFast: false`
 * runs every probe to the end and then reports all that failed.
 *
 * @module
 */
import { MultiError, Nursery, type Task } from "../mod.ts";
import { work } from "./_work.ts";

/** Serves five requests (two fail), then runs three probes (two fail). */
export async function main(): Promise<{
  served: string[];
  logged: string[];
  probes: string;
}> {
  const served: string[] = [];
  const logged: string[] = [];
  const server = {
    name: "server",
    onTaskError: (error: unknown, task: Task<unknown>) => {
      logged.push(`${task.name}: ${(error as Error).message}`);
    },
  };
  await Nursery.run((nursery) => {
    for (const path of ["/", "/boom", "/about", "/crash", "/contact"]) {
      nursery.startSoon(async ({ signal }) => {
        await work(10, undefined, { signal });
        if (path === "/boom" || path === "/crash") {
          throw new Error(`cannot render ${path}`);
        }
        served.push(path);
      }, { name: `GET ${path}` });
    }
  }, server);

  const health = { name: "health", failFast: false };
  const probes = await Nursery.run((nursery) => {
    for (
      const [name, ms, ok] of [["db", 30, false], ["cache", 10, false], [
        "queue",
        20,
        true,
      ]] as const
    ) {
      nursery.startSoon(async ({ signal }) => {
        await work(ms, undefined, { signal }); // a failure cancels no other probe
        if (!ok) throw new Error(`${name} is down`);
      }, { name });
    }
  }, health).then(
    () => "all healthy",
    (error) =>
      error instanceof MultiError
        ? error.errors.map((e) => (e as Error).message).join(", ")
        : String(error),
  );
  return { served, logged, probes };
}

if (import.meta.main) console.log(await main());
