// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Hands the registered tests to `node:test`, one top-level test each, run in
 * order (node:test runs a file's top-level tests one at a time).
 *
 * @module
 */
import { test } from "node:test";
import { detectLacks } from "./lacks.ts";
import { TEST_TIMEOUT_MS, useRunner } from "./registry.ts";
import { announce } from "./announce.ts";

const lacks = await detectLacks();
announce(lacks);
useRunner(
  (planned) => {
    test(
      planned.name,
      { skip: planned.skip ?? false, timeout: TEST_TIMEOUT_MS },
      () => planned.run(),
    );
  },
  "node",
  lacks,
);
