// @std-online-only: uses Channel from @std/async, which the offline stand-ins lack.
// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Streaming from a long-lived child to its parent through `Channel` from
 * `@std/async`: the producer sends into a bounded channel, the consumer
 * receives. Both are tasks of one nursery, so if the consumer fails, the
 * producer, blocked in `send` on a full channel, is cancelled through its
 * signal, and the error reaches the caller.
 *
 * @module
 */
import { Channel } from "@std/async/channel";
import { Nursery } from "../mod.ts";

/** Sums the numbers a producer streams, failing on `poison`. */
export function sumStream(
  count: number,
  poison?: number,
): Promise<{ sum: number; produced: number }> {
  return Nursery.run(async (nursery) => {
    const channel = new Channel<number>({ capacity: 2 });
    let produced = 0;
    nursery.startSoon(async function producer({ signal }) {
      try {
        for (let i = 1; i <= count; i++) {
          await channel.send(i, { signal }); // blocks while the channel is full
          produced++;
        }
      } finally {
        channel.close();
      }
    });
    let sum = 0;
    for await (const value of channel) {
      if (value === poison) throw new Error(`cannot sum ${value}`);
      sum += value;
    }
    return { sum, produced };
  });
}

if (import.meta.main) {
  console.log(await sumStream(10));
  console.log(await sumStream(1_000, 3).catch((error) => error.message));
}
