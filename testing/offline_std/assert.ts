// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Offline stand-in for the subset of `@std/assert` (1.0.19) that this
 * repository's tests use. Used only when JSR cannot be reached; the test task
 * says so. Deep equality is `equal.ts`, which needs nothing from the runtime,
 * so the same stand-in runs in Deno, Node, Bun, browsers and workerd.
 *
 * @module
 */
import { equal, format } from "./equal.ts";

/** Thrown when an assertion fails (same name as std's). */
export class AssertionError extends Error {
  /** Makes the error. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

// deno-lint-ignore no-explicit-any
type AnyConstructor = abstract new (...args: any[]) => any;
type GetConstructorType<T extends AnyConstructor> = InstanceType<T>;
// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = abstract new (...args: any[]) => E;

/** Deep equality, as std's `assertEquals`. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (equal(actual, expected)) return;
  throw new AssertionError(
    (msg ? `${msg}: ` : "") +
      `Values are not equal: ${format(actual)} !== ${format(expected)}`,
  );
}

/** `Object.is` equality, as std's `assertStrictEquals`. */
export function assertStrictEquals<T>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is T {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(
      msg ??
        `Values are not strictly equal: ${String(actual)} !== ${
          String(expected)
        }`,
    );
  }
}

/** Truthiness, as std's `assert`. */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg);
}

/** Falsiness, as std's `assertFalse`. */
export function assertFalse(expr: unknown, msg = ""): void {
  if (expr) throw new AssertionError(msg);
}

/** Substring, as std's `assertStringIncludes`. */
export function assertStringIncludes(
  actual: string,
  expected: string,
  msg?: string,
): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(
      msg ?? `Expected actual: "${actual}" to contain: "${expected}".`,
    );
  }
}

/** `instanceof`, as std's `assertInstanceOf`. */
export function assertInstanceOf<T extends AnyConstructor>(
  actual: unknown,
  expectedType: T,
  msg = "",
): asserts actual is GetConstructorType<T> {
  if (actual instanceof expectedType) return;
  throw new AssertionError(
    msg || `Expected object to be an instance of "${expectedType.name}"`,
  );
}

function checkError<E extends Error>(
  error: unknown,
  ErrorClass: ErrorClass<E> | undefined,
  msgIncludes: string | undefined,
  what: string,
  msgSuffix: string,
): void {
  if (!ErrorClass) return;
  if (!(error instanceof Error)) {
    throw new AssertionError(`A non-Error object was ${what}${msgSuffix}`);
  }
  if (!(error instanceof ErrorClass)) {
    throw new AssertionError(
      `Expected error to be instance of "${ErrorClass.name}", but was "${error.constructor.name}"${msgSuffix}`,
    );
  }
  if (msgIncludes !== undefined && !error.message.includes(msgIncludes)) {
    throw new AssertionError(
      `Expected error message to include "${msgIncludes}", but got "${error.message}"${msgSuffix}`,
    );
  }
}

function isErrorClass(value: unknown): value is ErrorClass<Error> {
  return typeof value === "function" &&
    (value.prototype instanceof Error || value.prototype === Error.prototype);
}

/** As std's `assertThrows`: returns what `fn` threw. */
export function assertThrows(fn: () => unknown, msg?: string): unknown;
/** As std's `assertThrows`, checking the error's class and message. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): E;
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  errorClassOrMsg?: ErrorClass<E> | string,
  msgIncludesOrMsg?: string,
  msg?: string,
): unknown {
  let ErrorClass: ErrorClass<E> | undefined;
  let msgIncludes: string | undefined;
  if (typeof errorClassOrMsg === "string") msg = errorClassOrMsg;
  else if (isErrorClass(errorClassOrMsg)) {
    ErrorClass = errorClassOrMsg as ErrorClass<E>;
    msgIncludes = msgIncludesOrMsg;
  } else msg = msgIncludesOrMsg;
  const msgSuffix = msg ? `: ${msg}` : ".";
  try {
    fn();
  } catch (error) {
    checkError(error, ErrorClass, msgIncludes, "thrown", msgSuffix);
    return error;
  }
  throw new AssertionError(`Expected function to throw${msgSuffix}`);
}

/** As std's `assertRejects`: resolves with what the promise rejected with. */
export function assertRejects(
  fn: () => PromiseLike<unknown>,
  msg?: string,
): Promise<unknown>;
/** As std's `assertRejects`, checking the error's class and message. */
export function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): Promise<E>;
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  errorClassOrMsg?: ErrorClass<E> | string,
  msgIncludesOrMsg?: string,
  msg?: string,
): Promise<unknown> {
  let ErrorClass: ErrorClass<E> | undefined;
  let msgIncludes: string | undefined;
  if (typeof errorClassOrMsg === "string") msg = errorClassOrMsg;
  else if (isErrorClass(errorClassOrMsg)) {
    ErrorClass = errorClassOrMsg as ErrorClass<E>;
    msgIncludes = msgIncludesOrMsg;
  }
  const msgSuffix = msg ? `: ${msg}` : ".";
  let returned: unknown;
  try {
    returned = fn();
  } catch {
    throw new AssertionError(
      `Function throws when expected to reject${msgSuffix}`,
    );
  }
  if (
    typeof returned !== "object" || returned === null ||
    typeof (returned as PromiseLike<unknown>).then !== "function"
  ) {
    throw new AssertionError(
      `Function throws when expected to reject${msgSuffix}`,
    );
  }
  try {
    await returned;
  } catch (error) {
    checkError(error, ErrorClass, msgIncludes, "rejected", msgSuffix);
    return error;
  }
  throw new AssertionError(`Expected function to reject${msgSuffix}`);
}
