// @std-online-only: uses Channel from @std/async, which the offline stand-ins lack.
// Copyright 2026 the @nursery/nursery authors. MIT license.
import { assertEquals, assertRejects } from "@std/assert";
import { sumStream } from "./channel_pipeline.ts";

Deno.test("Channel in a nursery: a producer streams values to the body", async () => {
  assertEquals(await sumStream(10), { sum: 55, produced: 10 });
});

Deno.test("Channel in a nursery: a failing consumer cancels a producer blocked in send()", async () => {
  const error = await assertRejects(
    () => sumStream(1_000, 3),
    Error,
    "cannot sum 3",
  );
  assertEquals(error.message, "cannot sum 3");
});
