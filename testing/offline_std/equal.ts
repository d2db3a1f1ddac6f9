// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * Deep equality for the offline `assertEquals`, written here rather than
 * borrowed from `node:assert` so that it runs unchanged where there is no
 * `node:assert` (browsers, workerd without `nodejs_compat`). It follows
 * std's `equal` on the values tests compare: primitives by SameValueZero
 * (NaN equals NaN), objects only with the same prototype, arrays and plain
 * objects by their own enumerable keys (string and symbol), `Map` and `Set`
 * by their entries regardless of order, `Date`, `RegExp` and `URL` by value,
 * errors also by name and message, and cycles without recursing forever.
 *
 * @module
 */

/** Whether `a` and `b` are deeply equal. */
export function equal(a: unknown, b: unknown): boolean {
  return compare(a, b, new Map());
}

function compare(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (
    typeof a !== "object" || typeof b !== "object" || a === null ||
    b === null
  ) {
    return false;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof RegExp || a instanceof URL) return String(a) === String(b);
  if (a instanceof Error) {
    const other = b as Error;
    if (a.name !== other.name || a.message !== other.message) return false;
  }
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    return [...a].every(([key, value]) =>
      [...other].some(([otherKey, otherValue]) =>
        compare(key, otherKey, seen) && compare(value, otherValue, seen)
      )
    );
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    if (a.size !== other.size) return false;
    return [...a].every((value) =>
      [...other].some((otherValue) => compare(value, otherValue, seen))
    );
  }
  const keys = ownKeys(a);
  const otherKeys = ownKeys(b);
  if (keys.length !== otherKeys.length) return false;
  return keys.every((key) =>
    Object.prototype.propertyIsEnumerable.call(b, key) &&
    compare(
      (a as Record<PropertyKey, unknown>)[key],
      (b as Record<PropertyKey, unknown>)[key],
      seen,
    )
  );
}

function ownKeys(value: object): PropertyKey[] {
  return Reflect.ownKeys(value).filter((key) =>
    Object.prototype.propertyIsEnumerable.call(value, key)
  );
}

/** A short, readable rendering of `value` for an assertion message. */
export function format(value: unknown): string {
  const seen = new Set<object>();
  const render = (v: unknown): string => {
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v !== "object" || v === null) return String(v);
    if (seen.has(v)) return "[Circular]";
    seen.add(v);
    if (v instanceof Error) return `${v.name}: ${v.message}`;
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return `[${v.map(render).join(", ")}]`;
    if (v instanceof Map) {
      return `Map {${
        [...v].map(([k, x]) => `${render(k)} => ${render(x)}`).join(", ")
      }}`;
    }
    if (v instanceof Set) return `Set {${[...v].map(render).join(", ")}}`;
    const entries = ownKeys(v).map((key) =>
      `${String(key)}: ${render((v as Record<PropertyKey, unknown>)[key])}`
    );
    return `{${entries.join(", ")}}`;
  };
  return render(value);
}
