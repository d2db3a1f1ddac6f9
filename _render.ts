// Copyright 2026 the @nursery/nursery authors. MIT license.
// What a nursery shows of its live tree: `tree()` and the slow-cancel
// report. Both walk the cancel tree with an explicit stack, so depth never
// overflows and the work is linear in the nodes shown.
import type { CancelNode } from "./_cancel_tree.ts";
import { Cancelled } from "./errors.ts";
import { isInstance } from "./_inspect.ts";
import { cancelledAt, TaskHandle } from "./_task.ts";
import type { StuckTask } from "./types.ts";

/**
 * The entries shown under a nursery: its body (while it runs, or while
 * scopes opened in its code do) and its live children, in start order.
 */
function entriesOf(body: TaskHandle<unknown>): TaskHandle<unknown>[] {
  const entries: TaskHandle<unknown>[] = [];
  let bodyHasNested = false;
  for (const child of body.children()) {
    if (
      child instanceof TaskHandle && !child.isBody && child.owner === body.owner
    ) {
      entries.push(child);
    } else bodyHasNested = true;
  }
  if (body.live || bodyHasNested) entries.unshift(body);
  return entries;
}

/**
 * The nurseries opened in an entry's code: the bodies found below it,
 * through the scopes that are not tasks (a timeout's, a shield's). For a
 * body, its own children tasks are not in its code.
 */
function nestedNurseries(entry: TaskHandle<unknown>): TaskHandle<unknown>[] {
  const found: TaskHandle<unknown>[] = [];
  const stack: CancelNode[] = entry.children().reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node instanceof TaskHandle) {
      if (node.isBody) found.push(node);
      // Another nursery's task hangs from that nursery's body, never here.
    } else stack.push(...node.children().reverse());
  }
  return found;
}

/** ` (cancelled 30ms ago: failure)`: when and why a nursery was cancelled. */
function cancelNote(body: TaskHandle<unknown>, now: number): string {
  const why = body.origin === "parent"
    ? `by its parent (${originOf(body.reason)})`
    : body.origin;
  return ` (cancelled ${age(now, body.owner[cancelledAt])} ago: ${why})`;
}

// Where a reason from above came from: a Cancelled says; a TimeoutError is
// a deadline's; anything else was given by the user (cancel(reason), or an
// outer signal).
function originOf(reason: unknown): string {
  if (isInstance(reason, Cancelled) && reason.origin !== undefined) {
    return reason.origin;
  }
  return isInstance(reason, DOMException) && reason.name === "TimeoutError"
    ? "timeout"
    : "a given reason";
}

// Past this many levels the indentation stops growing and the line says its
// level instead: the text of a deep tree must grow with its size, not with
// the square of its depth.
const MAX_INDENT_LEVELS = 32;

function indent(level: number): string {
  return level <= MAX_INDENT_LEVELS
    ? "  ".repeat(level)
    : `${"  ".repeat(MAX_INDENT_LEVELS)}[level ${level}] `;
}

function age(now: number, since: number | undefined): string {
  return `${since === undefined ? 0 : now - since}ms`;
}

/** The tree below the nursery whose body is `root`, one line per nursery and task. */
export function renderTree(root: TaskHandle<unknown>, now: number): string {
  const lines: string[] = [];
  // What is left to print: nurseries (by their body) and their entries.
  type Frame =
    | { nursery: TaskHandle<unknown>; level: number }
    | { entry: TaskHandle<unknown>; level: number };
  const frames: Frame[] = [{ nursery: root, level: 0 }];
  while (frames.length > 0) {
    const frame = frames.pop()!;
    if ("nursery" in frame) {
      const body = frame.nursery;
      const nursery = body.owner;
      lines.push(
        `${indent(frame.level)}nursery ${
          JSON.stringify(nursery.name)
        } ${nursery.state} ${age(now, body.startedAt)}${
          nursery.state === "cancelling" ? cancelNote(body, now) : ""
        }`,
      );
      const entries = entriesOf(body);
      for (let i = entries.length - 1; i >= 0; i--) {
        frames.push({ entry: entries[i], level: frame.level + 1 });
      }
    } else {
      const task = frame.entry;
      const kind = task.isBody ? "body" : "task";
      lines.push(
        `${indent(frame.level)}${kind} ${
          JSON.stringify(task.name)
        } ${task.status} ${age(now, task.startedAt)}`,
      );
      const nested = nestedNurseries(task);
      for (let i = nested.length - 1; i >= 0; i--) {
        frames.push({ nursery: nested[i], level: frame.level + 1 });
      }
    }
  }
  return lines.join("\n");
}

interface PathLink {
  readonly name: string;
  readonly up: PathLink | undefined;
}

function pathOf(link: PathLink): string[] {
  const names: string[] = [];
  for (let at: PathLink | undefined = link; at; at = at.up) names.push(at.name);
  return names.reverse();
}

/**
 * The deepest live tasks below the nursery whose body is `root`: a task in
 * which a live nursery was opened is reported through that nursery's tasks
 * instead. Paths are shared links, made into arrays only for what is
 * reported. `visit` is called with the body of every nursery walked through,
 * `root` included.
 */
export function stuckTasks(
  root: TaskHandle<unknown>,
  visit?: (body: TaskHandle<unknown>) => void,
): StuckTask[] {
  const stuck: StuckTask[] = [];
  type Frame =
    | { nursery: TaskHandle<unknown>; path: PathLink }
    | { entry: TaskHandle<unknown>; path: PathLink };
  const frames: Frame[] = [{
    nursery: root,
    path: { name: root.owner.name, up: undefined },
  }];
  while (frames.length > 0) {
    const frame = frames.pop()!;
    if ("nursery" in frame) {
      visit?.(frame.nursery);
      const entries = entriesOf(frame.nursery);
      for (let i = entries.length - 1; i >= 0; i--) {
        const path = { name: entries[i].name, up: frame.path };
        frames.push({ entry: entries[i], path });
      }
      continue;
    }
    const nested = nestedNurseries(frame.entry);
    if (nested.length === 0) {
      // A body that waits for its nursery's children is not what is stuck:
      //   Nursery.run(async (n) => { await n.startSoon(stuck); });
      const waiting = frame.entry.isBody &&
        entriesOf(frame.entry).some((entry) => entry !== frame.entry);
      if (frame.entry.live && !waiting) {
        stuck.push({ task: frame.entry, path: pathOf(frame.path) });
      }
      continue;
    }
    for (let i = nested.length - 1; i >= 0; i--) {
      const path = { name: nested[i].owner.name, up: frame.path };
      frames.push({ nursery: nested[i], path });
    }
  }
  return stuck;
}
