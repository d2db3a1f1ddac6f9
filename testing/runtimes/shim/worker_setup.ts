// Copyright 2026 the @nursery/nursery authors. MIT license.
// Imported before the test modules of the workerd bundle, so that the tests
// they register are collected.
import { collectTests } from "./page_runner.ts";

collectTests("workerd");
