// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * {@linkcode MultiError}: several failures reported as one.
 *
 * @module
 */
import { failureLabel, givenLabels } from "./_failure_labels.ts";
import { headedStack, isInstance } from "./_inspect.ts";

// A log line must stay readable with 50,000 failures: name the first few,
// and quote each one's message only so far (nested groups quote each other).
const MESSAGE_LISTS_AT_MOST = 5;
const MESSAGE_QUOTES_AT_MOST = 200;

/**
 * Several errors raised together, as a nursery reports them when more than one
 * of its tasks failed (trio's `MultiError`, Python's `ExceptionGroup`).
 *
 * `errors` holds each failure once, in the order they happened. The message
 * names how many tasks failed and, for the first few, the task's name, the
 * error's name and its message, so that a log line alone is useful. `stack`
 * shows every child's stack, indented and labelled with its task name, and
 * that is also what Deno and Node print when one is inspected.
 *
 * @example Inspecting the failures of a nursery
 * ```ts
 * import { MultiError, Nursery } from "@nursery/nursery";
 * import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
 *
 * const error = await assertRejects(() =>
 *   Nursery.run((nursery) => {
 *     nursery.startSoon(() => Promise.reject(new TypeError("a")), { name: "one" });
 *     nursery.startSoon(() => Promise.reject(new RangeError("b")), { name: "two" });
 *   })
 * );
 * assertInstanceOf(error, MultiError);
 * assertEquals(error.errors.map((e) => e.message), ["a", "b"]);
 * assertEquals(
 *   error.message,
 *   "2 tasks failed: [one] TypeError: a; [two] RangeError: b",
 * );
 * ```
 */
export class MultiError extends AggregateError {
  #ownStack: string | undefined;
  #stack: string | undefined;

  /**
   * Groups `errors`, in the order given.
   *
   * @param errors The failures, each once.
   * @param message Overrides the generated summary.
   * @throws {TypeError} If `errors` is not iterable or `message` not a string.
   */
  constructor(errors: Iterable<unknown>, message?: string) {
    const list = Array.from(checkIterable(errors, "create MultiError"));
    if (message !== undefined && typeof message !== "string") {
      throw new TypeError(
        `Cannot create MultiError as 'message' must be a string: received ${typeof message}`,
      );
    }
    super(list, message ?? describe(list));
    this.name = "MultiError";
    this.#ownStack = this.stack;
    // The stack is joined later: keep the labels given now (withLabels).
    const labels = givenLabels();
    // Children's stacks are joined only when someone reads `stack`: a group
    // of 50,000 failures must stay cheap to make and to throw.
    Object.defineProperty(this, "stack", {
      configurable: true,
      enumerable: false,
      get: () =>
        this.#stack ??= combineStacks(
          headedStack(this, this.#ownStack ?? ""),
          list,
          labels,
        ),
      set: (value: string) => this.#stack = value,
    });
  }

  /**
   * Collapses a list of errors the way a nursery reports them: none gives
   * `undefined`, one gives that error itself, more give a `MultiError`.
   * MultiErrors in the list are flattened into their leaf errors.
   *
   * @param errors The errors to collapse.
   * @returns `undefined`, the single error, or a new `MultiError`.
   * @throws {TypeError} If `errors` is not iterable.
   *
   * @example Collapsing
   * ```ts
   * import { MultiError } from "@nursery/nursery";
   * import { assertEquals, assertInstanceOf, assertStrictEquals } from "@std/assert";
   *
   * const a = new Error("a");
   * const b = new Error("b");
   * assertEquals(MultiError.from([]), undefined);
   * assertStrictEquals(MultiError.from([a]), a);
   * const group = MultiError.from([a, new MultiError([b])]);
   * assertInstanceOf(group, MultiError);
   * assertEquals(group.errors, [a, b]);
   * ```
   */
  static from(errors: Iterable<unknown>): unknown {
    const leaves = flatten(checkIterable(errors, "collapse errors"));
    if (leaves.length === 0) return undefined;
    if (leaves.length === 1) return leaves[0];
    return new MultiError(leaves);
  }

  /**
   * Splits the (flattened) failures in two, as Python's `except*` does for an
   * exception group: those for which `predicate` is true, and the rest, each
   * collapsed with {@linkcode MultiError.from}.
   *
   * @param predicate Chooses the errors to take out.
   * @returns `[matching, rest]`, each `undefined`, one error, or a `MultiError`.
   * @throws {TypeError} If `predicate` is not a function.
   *
   * @example Handling timeouts and re-throwing the rest
   * ```ts
   * import { MultiError } from "@nursery/nursery";
   * import { assertEquals, assertStrictEquals } from "@std/assert";
   *
   * const timeout = new DOMException("late", "TimeoutError");
   * const bug = new TypeError("bug");
   * const [timeouts, rest] = new MultiError([timeout, bug]).split(
   *   (error) => error instanceof DOMException && error.name === "TimeoutError",
   * );
   * assertStrictEquals(timeouts, timeout);
   * assertStrictEquals(rest, bug);
   * ```
   */
  split(predicate: (error: unknown) => boolean): [unknown, unknown] {
    if (typeof predicate !== "function") {
      throw new TypeError(
        `Cannot split MultiError as 'predicate' must be a function: received ${typeof predicate}`,
      );
    }
    const matching: unknown[] = [];
    const rest: unknown[] = [];
    for (const error of flatten(this.errors)) {
      (predicate(error) ? matching : rest).push(error);
    }
    return [MultiError.from(matching), MultiError.from(rest)];
  }

  /** Deno and Node print the combined stack, not AggregateError's default view. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.stack ?? String(this);
  }

  /** See `Deno.customInspect` above. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.stack ?? String(this);
  }
}

function checkIterable(errors: unknown, action: string): Iterable<unknown> {
  if (
    typeof (errors as Iterable<unknown> | null)?.[Symbol.iterator] !==
      "function"
  ) {
    throw new TypeError(
      `Cannot ${action} as 'errors' must be iterable: received ${
        errors === null ? "null" : typeof errors
      }`,
    );
  }
  return errors as Iterable<unknown>;
}

function flatten(errors: Iterable<unknown>): unknown[] {
  const leaves: unknown[] = [];
  // An explicit stack, not recursion: deep nesting must not overflow; and
  // each group once, so that a group holding itself cannot loop forever.
  const pending: Iterator<unknown>[] = [errors[Symbol.iterator]()];
  const seen = new Set<MultiError>();
  while (pending.length > 0) {
    const next = pending[pending.length - 1].next();
    if (next.done) pending.pop();
    else if (isInstance(next.value, MultiError)) {
      if (seen.has(next.value)) continue;
      seen.add(next.value);
      pending.push(next.value.errors[Symbol.iterator]());
    } else leaves.push(next.value);
  }
  return leaves;
}

function describe(errors: unknown[]): string {
  const count = errors.length;
  const shown = errors.slice(0, MESSAGE_LISTS_AT_MOST).map(describeOne);
  const more = count > shown.length
    ? `; and ${(count - shown.length).toLocaleString("en-US")} more`
    : "";
  const what = count === 1 ? "1 task failed" : `${count} tasks failed`;
  return `${what}: ${shown.join("; ")}${more}`;
}

function describeOne(error: unknown): string {
  const label = failureLabel(error);
  const prefix = label === undefined ? "" : `[${label}] `;
  const text = summary(error);
  return prefix +
    (text.length > MESSAGE_QUOTES_AT_MOST
      ? `${text.slice(0, MESSAGE_QUOTES_AT_MOST)}…`
      : text);
}

// Reading a thrown value runs user code (getters, proxy traps, toString):
// whatever it throws, the group must still describe itself.
const INDESCRIBABLE = "(a value that cannot be described)";

function summary(error: unknown): string {
  try {
    if (error instanceof Error) {
      return `${String(error.name)}: ${String(error.message)}`;
    }
    return String(error);
  } catch {
    return INDESCRIBABLE;
  }
}

function stackText(error: unknown): string {
  try {
    if (error instanceof Error) {
      const stack: unknown = error.stack;
      return headedStack(error, typeof stack === "string" ? stack : "");
    }
  } catch {
    return INDESCRIBABLE;
  }
  return summary(error);
}

function combineStacks(
  own: string,
  errors: unknown[],
  labels: ReadonlyMap<unknown, string> | undefined,
): string {
  const parts = [own];
  errors.forEach((error, index) => {
    const label = labels?.get(error) ?? failureLabel(error) ??
      `error ${index + 1}`;
    parts.push(indent(`[${label}] ${stackText(error)}`, "  "));
  });
  return parts.join("\n");
}

function indent(text: string, prefix: string): string {
  return prefix + text.replaceAll("\n", "\n" + prefix);
}
