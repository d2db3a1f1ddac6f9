// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * README's first story: fetch two things at once, record a visit too, and
 * let the scope join all three. If any fails, the others are cancelled.
 *
 * @module
 */
import { Nursery, type TaskContext } from "../mod.ts";
import { work } from "./_work.ts";

const fetchJson = (path: string, ctx: TaskContext) =>
  work(20, { path }, { signal: ctx.signal });
const recordVisit = (ctx: TaskContext) => work(30, "recorded", ctx);

/** Loads a page's data. */
export async function main(): Promise<unknown> {
  const [user, cart] = await Nursery.run(async (nursery) => {
    const user = nursery.startSoon((ctx) => fetchJson("/api/user", ctx));
    const cart = nursery.startSoon((ctx) => fetchJson("/api/cart", ctx));
    nursery.startSoon((ctx) => recordVisit(ctx)); // joined too, result unused
    return await Promise.all([user, cart]);
  });
  return { user, cart };
}

if (import.meta.main) console.log(await main());
