// Copyright 2026 the @nursery/nursery authors. MIT license.
/**
 * The one cancel tree, after trio's `CancelScope`/`CancelStatus`. Every task,
 * every nursery (through its body's node), every `failAfter`-style call and
 * every standalone `shield(fn)(ctx)` call is a {@linkcode CancelNode}.
 *
 * Invariants:
 * - A node is cancelled at most once; later cancellations only add the
 *   reason that came from above (an enclosing scope or an outer signal), so
 *   that a scope can let an outside cancellation pass through.
 * - `cancel()` marks the whole unshielded subtree first (no user code runs),
 *   then aborts the signals that exist, in tree order, before it returns: no
 *   recursion, no microtask, whatever the depth or width.
 * - A closed node is out of the tree: it is never reached by a walk, and what
 *   it still had open moves up to its parent. Code that outlives a node (a
 *   timer callback) finds the nearest open ancestor (`openAncestor`).
 *
 * @module
 */
import type { CancelOrigin } from "./errors.ts";
import { isCancellation } from "./_is_cancellation.ts";

/**
 * Where a node's cancellation came from: the public origins (see
 * `Cancelled`), or "parent", an enclosing node's cancellation reaching it.
 */
export type NodeOrigin = CancelOrigin | "parent";

/**
 * What AsyncLocalStorage holds for a node: small, and once the node closes,
 * no reference to it, only to the cell of the node above. Code that
 * outlives its scope (a promise continuation, a timer) keeps its cell alive,
 * never the task, its result and its tree (a server's young-generation GC
 * pauses come from what such stores keep alive).
 */
export class ScopeCell {
  /** The node, while it is open. */
  node: CancelNode | undefined;
  /** After it closed: where its code's scope went, the parent's cell. */
  up: ScopeCell | undefined;
  constructor(node: CancelNode) {
    this.node = node;
  }
}

/** The open node a cell stands for now: its own, or the nearest above. */
export function nodeOfCell(
  cell: ScopeCell | undefined,
): CancelNode | undefined {
  while (cell !== undefined && cell.node === undefined) cell = cell.up;
  return cell?.node;
}

// Every cancellation that aborts signals is numbered, and first queues a
// microtask that counts it as seen. The queue is FIFO, so a promise
// reaction runs after the microtasks of the cancellations made before it
// was queued and before those of the ones made after: when it runs,
// abortsSeen is how many had been made when the promise it follows settled
// (or, for a thenable or a promise settled before it was followed, later).
/** How many cancellations have aborted signals so far. */
export let abortsMade = 0;
/** How many of them the microtask queue has passed since. */
export let abortsSeen = 0;
const seeAbort = () => {
  abortsSeen++;
};

/**
 * A node of the cancel tree. Children are a doubly linked list (no Set: a
 * hot spawn path pays nothing but four assignments); the AbortController is
 * made only when somebody reads `signal`.
 */
export class CancelNode {
  #parent: CancelNode | undefined;
  #firstChild: CancelNode | undefined;
  #lastChild: CancelNode | undefined;
  #previous: CancelNode | undefined;
  #next: CancelNode | undefined;
  #controller: AbortController | undefined;
  #cell: ScopeCell | undefined;
  #closed = false;
  /** Not reached when an enclosing node is cancelled. */
  readonly shielded: boolean;
  // The first cancellation, and the first one that came from above (the
  // same event when it was the first); undefined origin: not cancelled.
  #origin: NodeOrigin | undefined;
  #reason: unknown;
  #fromAbove = false;
  #aboveReason: unknown;
  // The number of the cancellation that aborted this node (see abortsMade);
  // 0: none, or it was made cancelled.
  #abortNumber = 0;

  /**
   * Links a new node under `parent` (skipping closed ancestors). It starts
   * cancelled if its parent is and it is not shielded.
   */
  constructor(parent: CancelNode | undefined, shielded: boolean) {
    this.shielded = shielded;
    const open = openAncestor(parent);
    if (open === undefined) return;
    open.#adopt(this);
    if (!shielded && open.#origin !== undefined) {
      this.#origin = "parent";
      this.#reason = this.#aboveReason = open.#reason;
      this.#fromAbove = true;
    }
  }

  /** What AsyncLocalStorage holds for this node (see ScopeCell). */
  get cell(): ScopeCell {
    return this.#cell ??= new ScopeCell(this);
  }

  /**
   * The cell if it was made: without one, no code has run in this node's
   * scope, so it cannot be current.
   */
  get cellIfMade(): ScopeCell | undefined {
    return this.#cell;
  }

  /**
   * The node this one hangs from. The link stays after close, for code that
   * outlives the node (see openAncestor).
   */
  get parentNode(): CancelNode | undefined {
    return this.#parent;
  }

  /** Aborted, with the first reason, when the node is cancelled. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#origin !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** The signal if somebody read it already; never makes one. */
  get signalIfMade(): AbortSignal | undefined {
    return this.#controller?.signal;
  }

  /** Whether the node has been cancelled. */
  get isCancelled(): boolean {
    return this.#origin !== undefined;
  }

  /** Where the first cancellation came from. */
  get origin(): NodeOrigin | undefined {
    return this.#origin;
  }

  /** The first cancellation's reason: what the signal was aborted with. */
  get reason(): unknown {
    return this.#reason;
  }

  /**
   * Whether the node's signal was aborted by a cancellation after the first
   * `count` (see abortsMade): an outcome that happened when only `count`
   * had been made cannot be an answer to it.
   */
  abortedAfter(count: number): boolean {
    return this.#abortNumber > count;
  }

  /** Whether a cancellation came from outside the node (parent or outer signal). */
  get fromAbove(): boolean {
    return this.#fromAbove;
  }

  /** The reason of the first cancellation that came from outside. */
  get aboveReason(): unknown {
    return this.#aboveReason;
  }

  /** Whether the node has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Whether `error` ends this node's work as a cancellation rather than a
   * failure: only if the node was cancelled, and by the rule in
   * `_is_cancellation.ts`, for any reason it was sent.
   */
  endsAsCancellation(error: unknown): boolean {
    if (this.#origin === undefined) return false;
    return isCancellation(error, this.#reason) ||
      (this.#fromAbove && this.#aboveReason !== this.#reason &&
        isCancellation(error, this.#aboveReason));
  }

  /** The open children, oldest first (a snapshot). */
  children(): CancelNode[] {
    const list: CancelNode[] = [];
    for (let child = this.#firstChild; child; child = child.#next) {
      list.push(child);
    }
    return list;
  }

  /** Whether the node has open children. */
  get hasChildren(): boolean {
    return this.#firstChild !== undefined;
  }

  /**
   * Cancels this node and its unshielded subtree. `origin` says why; the
   * descendants' origin is "parent". A node already cancelled only records a
   * reason that comes from outside ("outer"), and hands that on.
   */
  cancel(reason: unknown, origin: CancelOrigin): void {
    if (this.#closed) return;
    const fromAbove = origin === "outer";
    const fresh = this.#origin === undefined;
    if (fresh) {
      this.#origin = origin;
      this.#reason = reason;
      if (fromAbove) this.#markAbove(reason);
      else this.noteCancelled();
    } else if (fromAbove && !this.#fromAbove) {
      this.#markAbove(reason);
    } else return;
    // The nodes cancelled now (not those that only heard from above).
    const aborted: CancelNode[] = fresh ? [this] : [];
    this.#markSubtree(reason, aborted, [this]);
    CancelNode.#abort(aborted);
  }

  // Phase two: user code (abort listeners) may run from here on, and finds
  // every node of the subtree already marked.
  static #abort(aborted: CancelNode[]): void {
    if (aborted.length === 0) return;
    // Before any signal is aborted, so that a rejection that answers the
    // abort (in a listener, or later) is queued after it.
    const number = ++abortsMade;
    try {
      queueMicrotask(seeAbort);
    } catch {
      // Out of stack: seen at once. A rejection already on its way is then
      // taken for an answer to this cancellation, the lesser error.
      abortsSeen++;
    }
    for (const node of aborted) node.#abortNumber = number;
    for (const node of aborted) {
      if (node.#controller?.signal.aborted === false) {
        node.#controller.abort(node.#reason);
      }
    }
    for (const node of aborted) node.wasCancelled();
  }

  // Phase one: marks the subtree with an explicit stack, in tree order (each
  // node's children pushed last-first, so the first is taken next). Nothing
  // here runs user code. A subtree that already heard from above is skipped:
  // its nodes heard it then, and nodes made since inherit it.
  #markSubtree(
    reason: unknown,
    aborted: CancelNode[],
    from: CancelNode[],
  ): void {
    const stack: CancelNode[] = [];
    const pushChildren = (node: CancelNode) => {
      for (let child = node.#lastChild; child; child = child.#previous) {
        if (!child.shielded && !child.#fromAbove) stack.push(child);
      }
    };
    for (let at = from.length - 1; at >= 0; at--) pushChildren(from[at]);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.#origin === undefined) {
        node.#origin = "parent";
        node.#reason = reason;
        aborted.push(node);
      }
      node.#markAbove(reason);
      pushChildren(node);
    }
  }

  #markAbove(reason: unknown): void {
    this.#fromAbove = true;
    this.#aboveReason = reason;
    this.noteCancelled();
  }

  /**
   * Bookkeeping when the node is marked, before any signal is aborted: it
   * must not run user code. Called once per mark (first cancellation, or a
   * later one from above).
   */
  protected noteCancelled(): void {}

  /** After the node's signal was aborted; may run user code. */
  protected wasCancelled(): void {}

  /** The node's parent closed and it had none above: it is a root now. */
  protected becameRoot(): void {}

  /**
   * Takes the node out of the tree. Children still open (a nursery a task
   * started without awaiting it) move up to this node's parent, where the
   * cancellations that would have reached them come from.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const parent = this.#parent;
    if (this.#cell !== undefined) {
      this.#cell.node = undefined;
      this.#cell.up = parent?.cell;
    }
    // Most nodes close with no children left (a task that awaited what it
    // opened): no list is made for them.
    const moved: CancelNode[] | undefined = this.#firstChild === undefined
      ? undefined
      : [];
    for (let child = this.#firstChild; child;) {
      const next = child.#next;
      child.#previous = child.#next = undefined;
      child.#parent = undefined;
      if (parent !== undefined) parent.#adopt(child);
      else child.becameRoot();
      moved!.push(child);
      child = next;
    }
    this.#firstChild = this.#lastChild = undefined;
    if (parent === undefined) return;
    this.#unlink(parent);
    // Moved under a parent that was cancelled: they are cancelled as its
    // children are (this node, closing, may never have been).
    if (moved !== undefined && parent.#origin !== undefined) {
      const aborted: CancelNode[] = [];
      parent.#markMoved(moved, aborted);
      CancelNode.#abort(aborted);
    }
  }

  #markMoved(moved: CancelNode[], aborted: CancelNode[]): void {
    const reason = this.#reason;
    const reached: CancelNode[] = [];
    for (const child of moved) {
      if (child.shielded || child.#fromAbove) continue;
      if (child.#origin === undefined) {
        child.#origin = "parent";
        child.#reason = reason;
        aborted.push(child);
      }
      child.#markAbove(reason);
      reached.push(child);
    }
    this.#markSubtree(reason, aborted, reached);
  }

  #unlink(parent: CancelNode): void {
    if (this.#previous === undefined) parent.#firstChild = this.#next;
    else this.#previous.#next = this.#next;
    if (this.#next === undefined) parent.#lastChild = this.#previous;
    else this.#next.#previous = this.#previous;
    this.#previous = this.#next = undefined;
    // The parent link stays, for code that outlives this node: see
    // openAncestor().
  }

  // Appends `child`, not yet linked anywhere, as the last child.
  #adopt(child: CancelNode): void {
    child.#parent = this;
    if (this.#lastChild === undefined) this.#firstChild = child;
    else {
      this.#lastChild.#next = child;
      child.#previous = this.#lastChild;
    }
    this.#lastChild = child;
  }
}

/**
 * `node`, or its nearest ancestor that is still open. A callback that runs
 * after its task ended is in the task's old scope:
 *
 * ```ts
 * nursery.startSoon(() => { setTimeout(() => Nursery.run(body), 1000); });
 * ```
 *
 * The nursery it opens must not hang from the dead task (whose cancellation
 * is over), but from what is still alive above it.
 */
export function openAncestor(
  node: CancelNode | undefined,
): CancelNode | undefined {
  while (node !== undefined && node.closed) node = node.parentNode;
  return node;
}

/**
 * Cancels `node` (origin "outer") when `signal` aborts, at once if it has.
 * One listener, removed by the returned function, which the owner must call
 * when the node closes: a long-lived signal (a server's) must not collect
 * listeners.
 */
export function followSignal(
  node: CancelNode,
  signal: AbortSignal,
): (() => void) | undefined {
  if (signal.aborted) {
    node.cancel(signal.reason, "outer");
    return undefined;
  }
  const onAbort = () => node.cancel(signal.reason, "outer");
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
