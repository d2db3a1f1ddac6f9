// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `start()`: wait until a server listens, talk to it, then stop it by
 * cancelling the nursery.
 *
 * @module
 */
import { Nursery } from "../mod.ts";

/** Starts a server, asks it one thing, stops it. */
export function main(): Promise<string> {
  return Nursery.run(async (n) => {
    const port = await n.start<number>(async ({ signal, started }) => {
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, signal, onListen() {} },
        () => new Response("healthy"),
      );
      started(server.addr.port);
      await server.finished;
    });
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    const text = await response.text();
    n.cancel(); // stops the server; run still resolves with the body's value
    return text;
  });
}

if (import.meta.main) console.log(await main());
