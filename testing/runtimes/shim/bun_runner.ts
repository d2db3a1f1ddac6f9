// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Hands the registered tests to `bun:test`, with the shim's time limit
 * (Bun's default, 5 s, is shorter than the slowest test).
 *
 * @module
 */
import { test } from "./bun_test_api.ts";
import { detectLacks } from "./lacks.ts";
import { TEST_TIMEOUT_MS, useRunner } from "./registry.ts";
import { announce } from "./announce.ts";

const lacks = await detectLacks();
announce(lacks);
useRunner(
  (planned) => {
    if (planned.skip) test.skip(planned.name, planned.run);
    else test(planned.name, planned.run, TEST_TIMEOUT_MS);
  },
  "bun",
  lacks,
);
