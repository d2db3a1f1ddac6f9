// Copyright 2026 the @nursery/nursery authors. MIT license.
// Firefox ESR 140 has no Symbol.dispose or Symbol.asyncDispose. The bundle
// lowers `using`, and esbuild's lowering falls back to
// Symbol.for("Symbol.dispose"); without these, a class's [Symbol.dispose]()
// method (FakeTime's, the tests' own) is keyed "undefined", and every
// `using` throws "Object not disposable". A user's bundle needs the same
// polyfill to use `using` there; the library itself never needs it.
for (const name of ["dispose", "asyncDispose"] as const) {
  if (typeof Symbol[name] !== "symbol") {
    Object.defineProperty(Symbol, name, {
      value: Symbol.for(`Symbol.${name}`),
    });
  }
}
