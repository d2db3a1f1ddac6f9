// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * What `Deno.test` becomes on another runtime: each call is normalised to one
 * {@linkcode PlannedTest}, given a skip reason where the test cannot run here,
 * and handed to the runner (`node:test`, `bun:test`, or the in-page runner)
 * that {@linkcode useRunner} installed.
 *
 * @module
 */
import {
  type BundleRuntime,
  type Lack,
  LACK_REASONS,
  SKIPS,
} from "../skips.ts";
import { FakeTime } from "../../offline_std/time.ts";

/** The `t` a test function receives: the part of `Deno.TestContext` used here. */
export interface TestContext {
  /** The test's name. */
  name: string;
  /** Runs a sub-step now; resolves true when it passed, throws when it failed. */
  step(
    nameOrDefinition: string | StepDefinition | StepFunction,
    fn?: StepFunction,
  ): Promise<boolean>;
}

type StepFunction = (t: TestContext) => unknown;
interface StepDefinition {
  name: string;
  fn: StepFunction;
  ignore?: boolean;
}

/** A test as Deno would have registered it. */
export interface TestDefinition {
  name: string;
  fn: (t: TestContext) => unknown;
  ignore?: boolean;
  only?: boolean;
}

/** A registered test, ready for a runner. */
export interface PlannedTest {
  /** The test file, from the repository root. */
  file: string;
  /** The name given to `Deno.test`. */
  name: string;
  /** Why it does not run here; undefined when it runs. */
  skip?: string;
  /** Runs the test function; rejects when it fails. */
  run(): Promise<void>;
}

/** What a file's tests need that may be missing (computed when bundling). */
export interface FileFacts {
  /** The file's path from the repository root. */
  file: string;
  /** Test name -> Deno APIs it uses beyond the shim's. */
  denoApis: Record<string, string[]>;
  /** Why every test of the file is skipped, if it is. */
  skipFile?: string;
}

/**
 * How long one test may run on any runner: Deno has no limit, but a test that
 * waits for a cancellation that never comes (no implicit tree) must fail, not
 * hang the run. The slowest test here takes about 10 s.
 */
export const TEST_TIMEOUT_MS = 60_000;

type Runner = (test: PlannedTest) => void;
let runner: Runner | undefined;
let lacks: ReadonlySet<Lack> = new Set();
let runtime: BundleRuntime | undefined;

/**
 * Installs the runner that registered tests go to, names the runtime, and
 * says what it lacks.
 */
export function useRunner(
  use: Runner,
  on: BundleRuntime,
  lacking: Iterable<Lack>,
): void {
  runner = use;
  runtime = on;
  lacks = new Set(lacking);
}

/**
 * Says what the runtime lacks after the tests were registered (workerd
 * allows no timer outside a request, so it finds out only when asked); skip
 * reasons are read when a test is about to run.
 */
export function setLacks(lacking: Iterable<Lack>): void {
  lacks = new Set(lacking);
}

function normalize(
  first: unknown,
  second?: unknown,
  third?: unknown,
): TestDefinition {
  if (typeof first === "string") {
    if (typeof second === "function") {
      return { name: first, fn: second as TestDefinition["fn"] };
    }
    return {
      ...(second as object),
      name: first,
      fn: third as TestDefinition["fn"],
    };
  }
  if (typeof first === "function") {
    return { name: first.name, fn: first as TestDefinition["fn"] };
  }
  const definition = first as TestDefinition;
  return typeof second === "function"
    ? { ...definition, fn: second as TestDefinition["fn"] }
    : definition;
}

function contextFor(name: string): TestContext {
  return {
    name,
    async step(nameOrDefinition, fn) {
      const step: StepDefinition = typeof nameOrDefinition === "string"
        ? { name: nameOrDefinition, fn: fn! }
        : typeof nameOrDefinition === "function"
        ? { name: nameOrDefinition.name, fn: nameOrDefinition }
        : nameOrDefinition;
      if (step.ignore) return false;
      try {
        await step.fn(contextFor(`${name} > ${step.name}`));
      } catch (error) {
        throw new Error(`step "${step.name}" failed`, { cause: error });
      }
      return true;
    },
  };
}

function skipReason(
  facts: FileFacts,
  definition: TestDefinition,
): string | undefined {
  if (facts.skipFile) return facts.skipFile;
  if (definition.ignore) return "ignore: true";
  const apis = facts.denoApis[definition.name];
  if (apis) return `needs ${apis.map((api) => `Deno.${api}`).join(", ")}`;
  for (const skip of SKIPS) {
    if (skip.file !== facts.file || skip.test !== definition.name) continue;
    if ("lack" in skip && lacks.has(skip.lack)) return LACK_REASONS[skip.lack];
    if ("runtime" in skip && skip.runtime === runtime) return skip.reason;
  }
  return undefined;
}

// A test that timed out never reached its `using time = new FakeTime()`'s
// end, and runners do not wait for it: restore the clock it left faked, so
// that one hang does not fail every later test that fakes time.
function restoreAbandonedClock(): void {
  try {
    FakeTime.restore();
    console.log("(restored the fake clock an earlier test left running)");
  } catch {
    // Time was not faked: the usual case.
  }
}

/** `Deno.test`, for the tests of the file that `facts` describes. */
export function registerTest(
  facts: FileFacts,
  args: [unknown, unknown?, unknown?],
): void {
  if (!runner) throw new Error("Deno.test called before a runner was chosen");
  const definition = normalize(...args);
  runner({
    file: facts.file,
    name: definition.name,
    get skip() {
      return skipReason(facts, definition);
    },
    run: async () => {
      restoreAbandonedClock();
      await definition.fn(contextFor(definition.name));
    },
  });
}
