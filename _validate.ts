// Copyright 2026 the @nursery/nursery authors. MIT license.
// Argument checks shared by every public entry point, so that each message has
// the same shape: "Cannot <action> as '<parameter>' must be <rule>: received <value>".

/** A short, safe rendering of a bad argument for an error message. */
export function received(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object") {
    if (Array.isArray(value)) return "an array";
    return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  }
  return typeof value === "bigint" ? `${value}n` : String(value);
}

function invalid(
  ErrorClass: typeof TypeError | typeof RangeError,
  action: string,
  parameter: string,
  rule: string,
  value: unknown,
): Error {
  return new ErrorClass(
    `Cannot ${action} as '${parameter}' must be ${rule}: received ${
      received(value)
    }`,
  );
}

/** Throws a TypeError unless `value` is a function. */
export function checkFunction(
  value: unknown,
  action: string,
  parameter: string,
): asserts value is (...args: never[]) => unknown {
  if (typeof value !== "function") {
    throw invalid(TypeError, action, parameter, "a function", value);
  }
}

/** Throws a TypeError unless `value` is undefined or an options object. */
export function checkOptions(
  value: unknown,
  action: string,
  parameter = "options",
): void {
  if (value !== undefined && (typeof value !== "object" || value === null)) {
    throw invalid(TypeError, action, parameter, "an object", value);
  }
}

/** Throws a TypeError unless `value` is undefined or an AbortSignal. */
export function checkSignal(
  value: unknown,
  action: string,
  parameter = "options.signal",
): asserts value is AbortSignal | undefined {
  if (value === undefined) return;
  // Duck-typed so that signals from other realms or polyfills pass.
  const signal = value as Partial<AbortSignal>;
  if (
    typeof value !== "object" || value === null ||
    typeof signal.aborted !== "boolean" ||
    typeof signal.addEventListener !== "function" ||
    typeof signal.removeEventListener !== "function"
  ) throw invalid(TypeError, action, parameter, "an AbortSignal", value);
}

/** Throws a TypeError unless `value` is undefined or a string. */
export function checkName(
  value: unknown,
  action: string,
  parameter = "options.name",
): asserts value is string | undefined {
  if (value !== undefined && typeof value !== "string") {
    throw invalid(TypeError, action, parameter, "a string", value);
  }
}

/** Throws a TypeError unless `value` is undefined or a boolean. */
export function checkBoolean(
  value: unknown,
  action: string,
  parameter: string,
): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") {
    throw invalid(TypeError, action, parameter, "a boolean", value);
  }
}

/** Throws unless `value` is a non-negative number or Infinity (a duration in ms). */
export function checkDuration(
  value: unknown,
  action: string,
  parameter: string,
): asserts value is number {
  if (typeof value !== "number") {
    throw invalid(TypeError, action, parameter, "a number", value);
  }
  if (Number.isNaN(value) || value < 0) {
    const rule = "a non-negative number or Infinity";
    throw invalid(RangeError, action, parameter, rule, value);
  }
}

/** Throws unless `value` is a number that is not NaN (a time on the Date.now() clock). */
export function checkTime(
  value: unknown,
  action: string,
  parameter: string,
): asserts value is number {
  if (typeof value !== "number") {
    throw invalid(TypeError, action, parameter, "a number", value);
  }
  if (Number.isNaN(value)) {
    throw invalid(RangeError, action, parameter, "a number, not NaN", value);
  }
}

/** Throws a RangeError unless `value` is undefined, a positive integer or Infinity. */
export function checkConcurrency(
  value: unknown,
  action: string,
  parameter = "options.concurrency",
): asserts value is number | undefined {
  if (value === undefined || value === Infinity) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    const rule = "a positive integer or Infinity";
    throw invalid(RangeError, action, parameter, rule, value);
  }
}

/** Checks the options `Nursery.run` was given, as read once (see nursery.ts). */
export function checkRunOptions(options: object): void {
  const action = "run nursery";
  const given = options as Record<string, unknown>;
  checkSignal(given.signal, action);
  checkName(given.name, action);
  checkBoolean(given.strict, action, "options.strict");
  checkBoolean(given.taskScopes, action, "options.taskScopes");
  checkBoolean(given.failFast, action, "options.failFast");
  checkConcurrency(given.concurrency, action);
  for (const name of ["timeout", "slowCancelAfter"]) {
    if (given[name] !== undefined) {
      checkDuration(given[name], action, `options.${name}`);
    }
  }
  for (const name of ["onSlowCancel", "onTaskError"]) {
    if (given[name] !== undefined) {
      checkFunction(given[name], action, `options.${name}`);
    }
  }
}

/** Checks what `startSoon` or `start` was given. */
export function checkStart(
  fn: unknown,
  options: unknown,
  action: string,
): void {
  checkFunction(fn, action, "fn");
  checkOptions(options, action);
  checkName((options as { name?: unknown } | undefined)?.name, action);
}
