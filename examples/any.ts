// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `Nursery.any` with `stagger`: happy eyeballs (RFC 8305). Try each address
 * of a host in turn; the next attempt starts when the previous one fails, or
 * 50 ms after it started, whichever comes first. The first connection wins,
 * and the attempts still running are cancelled and waited for.
 *
 * @module
 */
import { Nursery } from "../mod.ts";
import { work } from "./_work.ts";

const addresses = [
  { host: "2001:db8::1", ms: 20, refused: true }, // refused at once
  { host: "2001:db8::2", ms: 60_000, refused: false }, // a black hole
  { host: "192.0.2.1", ms: 10, refused: false },
];

/** Connects to the first address that answers; says which were tried. */
export async function main(): Promise<{ connected: string; tried: string[] }> {
  const tried: string[] = [];
  // A generator: each attempt is made only when its turn comes.
  function* attempts() {
    for (const { host, ms, refused } of addresses) {
      yield async ({ signal }: { signal: AbortSignal }) => {
        tried.push(host);
        await work(ms, undefined, { signal });
        if (refused) throw new Error(`${host}: connection refused`);
        return host;
      };
    }
  }
  const connected = await Nursery.any(attempts(), { stagger: 50 });
  return { connected, tried };
}

if (import.meta.main) console.log(await main());
