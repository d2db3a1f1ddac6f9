// Copyright 2026 the @nursery/nursery authors. MIT license.
// The workerd entry: a request runs the collected tests and gets the report
// back as JSON.
import { runCollected } from "./page_runner.ts";

export default {
  async fetch(): Promise<Response> {
    return Response.json(await runCollected());
  },
};
