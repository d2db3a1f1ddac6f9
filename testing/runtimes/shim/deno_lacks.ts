// Copyright 2026 the @nursery/nursery authors. MIT license.
// For the Deno rows, which run the test files themselves (no bundle, no
// runner of the shim's): prints what this Deno lacks, as the runners do.
// Run with testing/runtimes/deno_lacks_map.json, which maps the package's
// name to the sources.
import { announce } from "./announce.ts";
import { detectLacks } from "./lacks.ts";

announce(await detectLacks());
