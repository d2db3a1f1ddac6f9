// Copyright 2026 the @nursery/nursery authors. MIT license.
// Imported after the test modules of the browser bundle: runs them and leaves
// the report where the driver (browser_driver.mjs) waits for it.
import { runCollected } from "./page_runner.ts";

const report = await runCollected((outcome) => {
  if (outcome.result === "failed") {
    console.log(`FAILED ${outcome.file} > ${outcome.name}\n${outcome.detail}`);
  }
});
(globalThis as { nurseryReport?: unknown }).nurseryReport = report;
