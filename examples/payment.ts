// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * `shield`: the payment must finish even though the SMS failed; the email,
 * unshielded, is cancelled. The SMS failure still reaches the caller.
 *
 * @module
 */
import { Nursery, shield, type TaskContext } from "../mod.ts";
import { work } from "./_work.ts";

/** Runs a checkout whose SMS fails; returns what happened. */
export async function main(): Promise<string[]> {
  const log: string[] = [];
  async function performPayment(ctx: TaskContext) {
    await work(50, null, ctx);
    log.push("payment captured");
  }
  async function sendSms() {
    await work(10, null);
    throw new Error("SMS gateway down");
  }
  async function sendEmail(ctx: TaskContext) {
    await work(100, null, ctx).catch((reason) => {
      log.push("email cancelled");
      throw reason;
    });
  }
  try {
    await Nursery.run((n) => {
      n.startSoon(shield(performPayment, { timeout: 30_000 }));
      n.startSoon(sendSms);
      n.startSoon(sendEmail);
    });
  } catch (error) {
    log.push(`checkout failed: ${(error as Error).message}`);
  }
  return log;
}

if (import.meta.main) console.log(await main());
