// Copyright 2026 the @nursery/nursery authors. MIT license.
// Imported before the test modules of the browser bundle, so that the tests
// they register are collected.
import "./dispose_symbols.ts";
import { collectTests } from "./page_runner.ts";

collectTests(
  navigator.userAgent.includes("Firefox") ? "firefox" : "chromium",
);
