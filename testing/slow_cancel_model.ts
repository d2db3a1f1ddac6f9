// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * A seeded model of the slow-cancel watchdog (_watchdog.ts): random small
 * trees of nurseries under FakeTime, stepped 1 ms at a time, with the
 * reports checked against the contract (README, "A cancellation that
 * hangs"). `runScenario(seed)` returns what it found; the property test
 * (slow_cancel_property_test.ts) runs many seeds.
 *
 * @module
 */
import { delay } from "@std/async";
import { FakeTime } from "@std/testing/time";
import { Nursery, type SlowCancelReport } from "../mod.ts";

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How a nested nursery is opened. */
export type Mode =
  | "task" // n.startSoon(() => Nursery.run(...)): its task awaits it
  | "bodyAwaited" // await Nursery.run(...) in the body
  | "bodyDetached" // Nursery.run(...) in the body, not awaited
  | "taskDetached"; // a task opens it and returns without awaiting it

export type ChildPlan =
  | { kind: "stuck"; name: string }
  | { kind: "quick"; name: string; ms: number; honours: boolean }
  | { kind: "nested"; name: string; mode: Mode; plan: NurseryPlan };

export interface NurseryPlan {
  name: string;
  after: number;
  hook: boolean;
  /** Its hook starts a task that ends at once in the reporting nursery. */
  hookStarts?: boolean;
  children: ChildPlan[];
}

export type Event =
  | { at: number; kind: "cancel"; nursery: string }
  | { at: number; kind: "release"; task: string }
  | { at: number; kind: "start"; nursery: string; child: ChildPlan };

export interface Scenario {
  roots: NurseryPlan[];
  events: Event[];
}

const DEFAULT_AFTERS = [0, 5, 10, 50];
const MODES: Mode[] = ["task", "bodyAwaited", "bodyDetached", "taskDetached"];
const DEFAULT_MAX_STUCK = 9; // the message lists 10 paths: every stuck one shows

/** A random scenario for `seed`. */
export function generate(
  seed: number,
  options: { afters?: number[]; maxStuck?: number } = {},
): Scenario {
  const MAX_STUCK = options.maxStuck ?? DEFAULT_MAX_STUCK;
  const AFTERS = options.afters ?? DEFAULT_AFTERS;
  const random = prng(seed);
  const int = (lo: number, hi: number) =>
    lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  let nurseries = 0;
  let tasks = 0;
  let stuck = 0;
  const all: NurseryPlan[] = [];
  const leaf = (): ChildPlan => {
    if (stuck < MAX_STUCK && random() < 0.55) {
      stuck++;
      return { kind: "stuck", name: `s${tasks++}` };
    }
    return {
      kind: "quick",
      name: `q${tasks++}`,
      ms: int(1, 20),
      honours: random() < 0.5,
    };
  };
  const nursery = (level: number, maxLevel: number): NurseryPlan => {
    const hook = random() < 0.25;
    const plan: NurseryPlan = {
      name: `n${nurseries++}`,
      after: pick(AFTERS),
      hook,
      hookStarts: hook && random() < 0.4,
      children: [],
    };
    all.push(plan);
    const count = int(1, level === 0 ? 3 : 2);
    for (let i = 0; i < count; i++) {
      if (level < maxLevel && random() < 0.5) {
        plan.children.push({
          kind: "nested",
          name: `t${tasks++}`,
          mode: pick(MODES),
          plan: nursery(level + 1, maxLevel),
        });
      } else plan.children.push(leaf());
    }
    return plan;
  };
  const roots = [nursery(0, int(1, 3))];
  if (random() < 0.2) roots.push(nursery(0, int(0, 2)));
  const events: Event[] = [];
  const span = pick([20, 40, 80]);
  for (let i = int(1, 4); i > 0; i--) {
    events.push({ at: int(0, span), kind: "cancel", nursery: pick(all).name });
  }
  const targets = all;
  for (let i = random() < 0.3 ? int(2, 6) : int(0, 3); i > 0; i--) {
    // Chosen first: the nursery this child opens is not its own target.
    const target = pick(targets).name;
    let child: ChildPlan;
    if (random() < 0.35) {
      const plan = nursery(1, int(1, 2));
      child = { kind: "nested", name: `t${tasks++}`, mode: pick(MODES), plan };
    } else child = leaf();
    events.push({
      at: int(1, span + 60),
      kind: "start",
      nursery: target,
      child,
    });
  }
  const stuckNames: string[] = [];
  const collect = (plan: NurseryPlan) => {
    for (const child of plan.children) {
      if (child.kind === "stuck") stuckNames.push(child.name);
      if (child.kind === "nested") collect(child.plan);
    }
  };
  for (const root of roots) collect(root);
  for (const event of events) {
    if (event.kind !== "start") continue;
    if (event.child.kind === "stuck") stuckNames.push(event.child.name);
    if (event.child.kind === "nested") collect(event.child.plan);
  }
  for (const name of stuckNames) {
    if (random() < 0.4) {
      events.push({ at: int(0, span + 100), kind: "release", task: name });
    }
  }
  events.sort((a, b) => a.at - b.at);
  return { roots, events };
}

/** One report, as recorded. */
export interface Report {
  at: number;
  index: number;
  kind: "warn" | "hook";
  nursery: string;
  /** The last name of each stuck path (every task name is unique). */
  names: string[];
  paths: string[];
  elapsed: number;
  text: string;
  /** A warning that lists 10 paths and counts the rest. */
  truncated?: boolean;
}

export interface Outcome {
  violations: string[];
  reports: Report[];
  log: string[];
  /** Per nursery: when it was cancelled, its delay, when tasks were started in it or below it. */
  nurseries: Map<
    string,
    { cancelledAt?: number; after: number; starts: number[] }
  >;
}

interface NurseryInfo {
  plan: NurseryPlan;
  /** The nurseries above it in the plan (it may move up, never down). */
  ancestors: NurseryPlan[];
  nursery?: Nursery;
  cancelledAt?: number;
  closedAt?: number;
  /** When each task was started directly in it, by the harness. */
  starts: number[];
}

interface StuckInfo {
  name: string;
  nursery: string;
  startedAt?: number;
  released: boolean;
}

// Lets every pending promise callback run (the chains here are short); no
// macrotask turn, so a scenario of 300 ms runs in a few real ms.
async function flush(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}

const PREFIX = "(do they ignore their signal?): ";

/** Runs `scenario` (made by generate(seed)) and checks the contract. */
export async function runScenario(
  scenario: Scenario,
  options: { horizon?: number; slack?: number } = {},
): Promise<Outcome> {
  const slack = options.slack ?? 3;
  const violations: string[] = [];
  const reports: Report[] = [];
  const log: string[] = [];
  const infos = new Map<string, NurseryInfo>();
  const stuck = new Map<string, StuckInfo>();
  const releases = new Map<string, () => void>();
  const runs: Promise<unknown>[] = [];
  const time = new FakeTime(0);
  const warn = console.warn;
  const error = console.error;
  const now = () => Date.now();
  const violate = (message: string) => {
    violations.push(`at ${now()}: ${message}`);
  };

  const register = (plan: NurseryPlan, ancestors: NurseryPlan[]) => {
    infos.set(plan.name, { plan, ancestors, starts: [] });
    for (const child of plan.children) {
      if (child.kind === "stuck") {
        stuck.set(child.name, {
          name: child.name,
          nursery: plan.name,
          released: false,
        });
      }
      if (child.kind === "nested") register(child.plan, [plan, ...ancestors]);
    }
  };
  for (const root of scenario.roots) register(root, []);
  // A task started late may target a nursery another late task opens: as
  // many passes as it takes.
  const pending = scenario.events.filter((event) => event.kind === "start");
  for (let progress = true; progress;) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const event = pending[i];
      const target = infos.get(event.nursery);
      if (event.kind !== "start" || target === undefined) continue;
      pending.splice(i--, 1);
      progress = true;
      const ancestors = [target.plan, ...target.ancestors];
      if (event.child.kind === "stuck") {
        stuck.set(event.child.name, {
          name: event.child.name,
          nursery: event.nursery,
          released: false,
        });
      }
      if (event.child.kind === "nested") register(event.child.plan, ancestors);
    }
  }

  let index = 0;
  let hookTasks = 0;
  const record = (report: Omit<Report, "index">) => {
    const full = { ...report, index: index++ };
    reports.push(full);
    log.push(
      `${full.at}: ${full.kind} ${full.nursery}: ${full.paths.join("; ")}`,
    );
    const info = infos.get(report.nursery);
    // (3) no report for a closed nursery, nor names one that closed
    if (info === undefined) {
      violate(`a report from an unknown nursery: ${report.text}`);
    } else {
      if (info.nursery?.closed) {
        violate(
          `${report.kind} report for closed nursery ${report.nursery}: ${report.text}`,
        );
      }
      if (info.cancelledAt === undefined) {
        violate(`${report.kind} report for ${report.nursery}, never cancelled`);
      } else if (report.elapsed !== report.at - info.cancelledAt) {
        violate(
          `${report.kind} report for ${report.nursery} says cancelled ` +
            `${report.elapsed} ms ago; it was at ${info.cancelledAt}`,
        );
      } else if (report.at < info.cancelledAt + info.plan.after) {
        violate(
          `${report.kind} report for ${report.nursery} at ${report.at}, before ` +
            `its cancellation (${info.cancelledAt}) + slowCancelAfter (${info.plan.after})`,
        );
      }
    }
    for (const path of report.paths) {
      for (const segment of path.split(" > ")) {
        const seen = infos.get(segment);
        if (seen?.nursery?.closed) {
          violate(
            `${report.kind} report names closed nursery ${segment}: ${path}`,
          );
        }
      }
    }
  };

  console.warn = (message: string) => {
    const text = String(message);
    const match = /^Nursery "([^"]*)" was cancelled (\d+) ms ago/.exec(text);
    const at = text.indexOf(PREFIX);
    const list = at < 0 ? "" : text.slice(at + PREFIX.length);
    const paths = list === "" ? [] : list.split("; ");
    const more = /^and (\d+) more$/.exec(paths.at(-1) ?? "");
    if (more !== null) paths.pop();
    const count = Number(/still waits for (\d+) task\(s\)/.exec(text)?.[1]);
    const expected = more === null ? paths.length : 10 + Number(more[1]);
    if (count !== expected || (more !== null && paths.length !== 10)) {
      violate(`the message's count is wrong: ${text}`);
    }
    record({
      at: now(),
      kind: "warn",
      nursery: match?.[1] ?? "?",
      names: paths.map((path) => path.split(" > ").at(-1)!),
      paths,
      elapsed: Number(match?.[2] ?? -1),
      text,
      truncated: more !== null,
    });
  };
  console.error = (...args: unknown[]) => {
    violate(`console.error: ${args.map(String).join(" ")}`);
  };

  const hookFor = (plan: NurseryPlan) =>
    plan.hook
      ? {
        onSlowCancel: (report: SlowCancelReport) => {
          const paths = report.stuck.map((entry) => entry.path.join(" > "));
          record({
            at: now(),
            kind: "hook",
            nursery: report.nursery.name,
            names: report.stuck.map((entry) => entry.task.name),
            paths,
            elapsed: report.elapsed,
            text: report.message,
          });
          if (plan.hookStarts) {
            const name = `h${hookTasks++}`;
            infos.get(report.nursery.name)?.starts.push(now());
            log.push(`${now()}: hook starts ${name} in ${report.nursery.name}`);
            (report.nursery as Nursery).startSoon(() => {}, { name });
          }
        },
      }
      : {};

  const childFn = (child: ChildPlan, owner: string) => {
    switch (child.kind) {
      case "stuck":
        return () => {
          const info = stuck.get(child.name)!;
          info.startedAt = now();
          if (info.released) return Promise.resolve();
          return new Promise<void>((resolve) =>
            releases.set(child.name, resolve)
          );
        };
      case "quick":
        return child.honours
          ? ({ signal }: { signal: AbortSignal }) => delay(child.ms, { signal })
          : () => delay(child.ms);
      case "nested":
        if (child.mode === "taskDetached") {
          return () => {
            runs.push(open(child.plan));
          };
        }
        return () => open(child.plan);
    }
    void owner;
  };

  const startIn = (nursery: Nursery, owner: string, child: ChildPlan) => {
    infos.get(owner)!.starts.push(now());
    nursery.startSoon(childFn(child, owner) as () => unknown, {
      name: child.name,
    });
  };

  const open = (plan: NurseryPlan): Promise<unknown> => {
    const info = infos.get(plan.name)!;
    return Nursery.run(async (n) => {
      info.nursery = n;
      if (n.signal.aborted) info.cancelledAt = now();
      else {
        n.signal.addEventListener("abort", () => info.cancelledAt ??= now(), {
          once: true,
        });
      }
      const awaited: Promise<unknown>[] = [];
      for (const child of plan.children) {
        if (child.kind === "nested" && child.mode === "bodyAwaited") {
          awaited.push(open(child.plan));
        } else if (child.kind === "nested" && child.mode === "bodyDetached") {
          runs.push(open(child.plan));
        } else startIn(n, plan.name, child);
      }
      await Promise.all(awaited);
    }, { name: plan.name, slowCancelAfter: plan.after, ...hookFor(plan) })
      .catch(() => {})
      .finally(() => info.closedAt = now());
  };

  const lastEvent = scenario.events.reduce((m, e) => Math.max(m, e.at), 0);
  const maxChain = (() => {
    let worst = 0;
    for (const info of infos.values()) {
      const sum = [info.plan, ...info.ancestors].reduce(
        (s, p) => s + p.after,
        0,
      );
      worst = Math.max(worst, sum);
    }
    return worst;
  })();
  const horizon = options.horizon ?? lastEvent + maxChain + 2 * slack + 10;

  try {
    for (const root of scenario.roots) runs.push(open(root));
    await flush();
    let next = 0;
    for (let t = 0; t <= horizon; t++) {
      // The events of this millisecond.
      while (next < scenario.events.length && scenario.events[next].at === t) {
        const event = scenario.events[next++];
        const info = event.kind === "release"
          ? undefined
          : infos.get(event.nursery)!;
        if (event.kind === "cancel") {
          log.push(`${t}: cancel ${event.nursery}`);
          info!.nursery?.cancel();
        } else if (event.kind === "release") {
          log.push(`${t}: release ${event.task}`);
          const task = stuck.get(event.task)!;
          task.released = true;
          releases.get(event.task)?.();
        } else {
          const n = info!.nursery;
          if (n === undefined || n.closed) {
            log.push(
              `${t}: start ${event.child.name} in ${event.nursery}: closed`,
            );
            continue;
          }
          log.push(`${t}: start ${event.child.name} in ${event.nursery}`);
          startIn(n, event.nursery, event.child);
        }
      }
      await flush();
      check(t);
      time.tick(1);
    }
    // Everything released: the nurseries close, and no timer is left.
    for (const task of stuck.values()) task.released = true;
    for (const release of releases.values()) release();
    let settled = false;
    Promise.all(runs).then(() => settled = true);
    for (let i = 0; i < 200 && !settled; i++) {
      await flush();
      if (!settled) time.tick(1);
    }
    // The detached ones are pushed to `runs` late: wait for those too.
    for (let i = 0; i < 5; i++) {
      settled = false;
      Promise.all(runs).then(() => settled = true);
      await flush();
      if (!settled) time.tick(1);
    }
    if (!settled) violate("not every run settled once all was released");
    const open_ = [...infos.values()].filter((info) =>
      info.nursery !== undefined && !info.nursery.closed
    );
    if (open_.length > 0) {
      violate(
        `nurseries still open: ${open_.map((i) => i.plan.name).join(", ")}`,
      );
    }
    // (4) no timer outlives the nurseries
    const before = reports.length;
    if (time.next()) {
      violate("a timer is left once every nursery closed");
      for (let i = 0; i < 100 && time.next(); i++) await flush();
      await flush();
    }
    if (reports.length > before) {
      violate(
        `reports after every nursery closed: ${
          reports.slice(before).map((r) => r.text).join(" | ")
        }`,
      );
    }
  } finally {
    console.warn = warn;
    console.error = error;
    time.restore();
  }
  const nurseries = new Map(
    [...infos].map(([name, info]) => [name, {
      cancelledAt: info.cancelledAt,
      after: info.plan.after,
      // Its report names the tasks of the nurseries below it too.
      starts: [...infos.values()]
        .filter((other) =>
          other === info || other.ancestors.includes(info.plan)
        )
        .flatMap((other) => other.starts),
    }]),
  );
  return { violations, reports, log, nurseries };

  function check(t: number) {
    // (1) a task still stuck well after every delay that bears on it was
    // named by a report.
    for (const task of stuck.values()) {
      if (task.released || task.startedAt === undefined) continue;
      const info = infos.get(task.nursery)!;
      if (info.cancelledAt === undefined) continue;
      const chain = [info.plan, ...info.ancestors].reduce(
        (s, p) => s + p.after,
        0,
      );
      const deadline = Math.max(task.startedAt, info.cancelledAt) + chain +
        slack;
      if (t < deadline) continue;
      const reporters = [info.plan, ...info.ancestors].map((p) => p.name);
      const named = reports.some((r) =>
        r.names.includes(task.name) ||
        (r.truncated && r.at >= task.startedAt! &&
          reporters.includes(r.nursery))
      );
      if (!named) {
        const key = `unreported ${task.name}`;
        if (!violations.some((v) => v.includes(key))) {
          violate(
            `${key}: stuck in ${task.nursery} (started ${task.startedAt}, ` +
              `nursery cancelled ${info.cancelledAt}, delays ${chain}), named by no report`,
          );
        }
      }
    }
    // A nursery with onSlowCancel that still waits gets its own report.
    for (const info of infos.values()) {
      if (!info.plan.hook || info.cancelledAt === undefined) continue;
      if (info.nursery === undefined || info.nursery.closed) continue;
      if (t < info.cancelledAt + info.plan.after + 1) continue;
      if (
        !reports.some((r) => r.kind === "hook" && r.nursery === info.plan.name)
      ) {
        const key = `hook of ${info.plan.name} not called`;
        if (!violations.some((v) => v.includes(key))) {
          violate(`${key}: cancelled ${info.cancelledAt}, still open`);
        }
      }
    }
  }
}

/**
 * (2) Duplicates, judged after the run from the reports: a default warning
 * that names only tasks an earlier default warning named, made by a nursery
 * that earlier warning walked through (it names it in a path) and that was
 * cancelled before it went out, contradicts "a nested one leaves it to a
 * cancelling ancestor's default report ... and reports on its own only what
 * no such report could name". A nursery's second report (either kind) must
 * name a task started in it after its previous one, at least slowCancelAfter
 * ms before.
 */
export function duplicates(scenario: Scenario, outcome: Outcome): string[] {
  const found: string[] = [];
  const plans = new Map<string, NurseryPlan>();
  const walk = (plan: NurseryPlan) => {
    plans.set(plan.name, plan);
    for (const child of plan.children) {
      if (child.kind === "nested") walk(child.plan);
    }
  };
  for (const root of scenario.roots) walk(root);
  for (const event of scenario.events) {
    if (event.kind === "start" && event.child.kind === "nested") {
      walk(event.child.plan);
    }
  }
  const cancelledAt = new Map(
    [...outcome.nurseries].map(([name, n]) => [name, n.cancelledAt]),
  );
  const warns = outcome.reports.filter((r) => r.kind === "warn");
  for (const w of warns) {
    if (w.names.length === 0) continue;
    for (const earlier of warns) {
      if (earlier.index >= w.index) break;
      const walked = earlier.nursery === w.nursery ||
        earlier.paths.some((path) => path.split(" > ").includes(w.nursery));
      if (!walked) continue;
      const c = cancelledAt.get(w.nursery);
      const cancelledBefore = earlier.nursery === w.nursery ||
        (c !== undefined && c < earlier.at);
      if (!cancelledBefore) continue;
      if (w.names.every((name) => earlier.names.includes(name))) {
        found.push(
          `warning ${w.index} (${w.at}, ${w.nursery}) names only what warning ` +
            `${earlier.index} (${earlier.at}, ${earlier.nursery}) named: ${
              w.names.join(", ")
            }`,
        );
        break;
      }
    }
  }
  // After a default warning walked through a nursery it was cancelled
  // before, that nursery's own default warning is due only for a task
  // started in it (or in a nursery below it) since, at least
  // slowCancelAfter ms before.
  for (const w of warns) {
    const info = outcome.nurseries.get(w.nursery);
    if (info?.cancelledAt === undefined) continue;
    const earlier = warns.filter((r) =>
      r.index < w.index && r.nursery !== w.nursery &&
      info.cancelledAt! < r.at &&
      r.paths.some((path) => path.split(" > ").slice(1).includes(w.nursery))
    ).at(-1);
    if (earlier === undefined) continue;
    const due = info.starts.some((at) =>
      at >= earlier.at && at + info.after <= w.at
    );
    if (!due) {
      found.push(
        `warning ${w.index} (${w.at}, ${w.nursery}) comes though warning ` +
          `${earlier.index} (${earlier.at}, ${earlier.nursery}) named its ` +
          `tasks, and no task was started in it since, ${info.after} ms before`,
      );
    }
  }
  // The other order: a nested nursery warned on its own, though an ancestor
  // was cancelling then and had made no default report yet, and that
  // ancestor's first report, later, walked through it and named every task
  // the nested warning did: the nested one should have left it to that one.
  for (const w of warns) {
    if (w.names.length === 0) continue;
    for (const later of warns) {
      if (later.index <= w.index || later.nursery === w.nursery) continue;
      const walked = later.paths.some((path) =>
        path.split(" > ").slice(1).includes(w.nursery)
      );
      if (!walked) continue;
      const c = cancelledAt.get(later.nursery);
      if (c === undefined || !(c < w.at)) continue;
      // Its first report: no earlier default report walked through it (one
      // that did makes `later` a report again, for a task started after it).
      const ancestor = later.nursery;
      if (
        warns.some((r) =>
          r.index < later.index &&
          (r.nursery === ancestor ||
            r.paths.some((path) => path.split(" > ").includes(ancestor)))
        )
      ) continue;
      if (w.names.every((name) => later.names.includes(name))) {
        found.push(
          `warning ${w.index} (${w.at}, ${w.nursery}) was made though ` +
            `${later.nursery}, cancelled at ${c}, named the same later ` +
            `(warning ${later.index}, ${later.at}): ${w.names.join(", ")}`,
        );
        break;
      }
    }
  }
  for (const kind of ["warn", "hook"] as const) {
    const byNursery = new Map<string, Report[]>();
    for (const r of outcome.reports) {
      if (r.kind !== kind) continue;
      const list = byNursery.get(r.nursery) ?? [];
      list.push(r);
      byNursery.set(r.nursery, list);
    }
    for (const [name, list] of byNursery) {
      for (let i = 1; i < list.length; i++) {
        const before = list.slice(0, i).flatMap((r) => r.names);
        const fresh = list[i].names.filter((n) => !before.includes(n));
        if (fresh.length === 0) {
          found.push(
            `${kind} report ${list[i].index} of ${name} (${
              list[i].at
            }) names ` +
              `nothing its earlier ones did not: ${list[i].names.join(", ")}`,
          );
        }
        const info = outcome.nurseries.get(name)!;
        const due = info.starts.some((at) =>
          at >= list[i - 1].at && at + info.after <= list[i].at
        );
        if (!due) {
          found.push(
            `${kind} report ${list[i].index} of ${name} (${
              list[i].at
            }) comes ` +
              `with no task started in it since its report at ${
                list[i - 1].at
              } ` +
              `at least ${info.after} ms before`,
          );
        }
      }
    }
  }
  void plans;
  return found;
}
