// A forest of treaps sharing one pool of typed arrays: each tree orders its nodes by the pair
// (key, tie), and every node caches the largest weight in its subtree, so "leftmost node whose weight
// reaches w" is one descent. Priorities come from a seeded xorshift, so shapes are deterministic.
// No objects per node and no allocation outside pool growth; it never reads or writes heap memory.
import { InvariantError } from "@osmem/core";

/** The null node index. Slot 0 of the pool is never used for a node. */
export const NIL = 0;

/** One node as {@link TreapForest.entries} lists it. */
export interface TreapEntry {
  readonly key: number;
  readonly tie: number;
  readonly weight: number;
}

/**
 * Many treaps over one node pool. Keys, ties and weights are numbers (exact up to 2^53); within a tree
 * the pair (key, tie) is unique. Every operation is O(log n) expected, n the size of the tree.
 */
export class TreapForest {
  private keys: Float64Array;
  private ties: Float64Array;
  private weights: Float64Array;
  private maxWeights: Float64Array;
  private lefts: Int32Array;
  private rights: Int32Array;
  private priorities: Int32Array;
  private readonly roots: Int32Array;
  private readonly counts: Float64Array;
  /** Head of the list of released slots (linked through `lefts`), or NIL. */
  private releasedHead = NIL;
  /** The lowest slot never handed out. */
  private nextUnused = 1;
  private seed = 0x2545f491;

  /**
   * @param treeCount how many independent trees (numbered from 0)
   * @param initialCapacity nodes to reserve; the pool doubles when it runs out
   */
  constructor(treeCount: number, initialCapacity = 256) {
    const capacity = Math.max(2, initialCapacity + 1);
    this.keys = new Float64Array(capacity);
    this.ties = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
    this.maxWeights = new Float64Array(capacity);
    this.maxWeights[NIL] = Number.NEGATIVE_INFINITY;
    this.lefts = new Int32Array(capacity);
    this.rights = new Int32Array(capacity);
    this.priorities = new Int32Array(capacity);
    this.roots = new Int32Array(treeCount);
    this.counts = new Float64Array(treeCount);
  }

  /** Nodes in `tree`. */
  count(tree: number): number {
    return this.counts[tree]!;
  }
  /** True when `tree` has no node. */
  isEmpty(tree: number): boolean {
    return this.roots[tree] === NIL;
  }
  keyOf(node: number): number {
    return this.keys[node]!;
  }
  tieOf(node: number): number {
    return this.ties[node]!;
  }
  weightOf(node: number): number {
    return this.weights[node]!;
  }

  /** Adds (key, tie) with `weight` to `tree`. @throws InvariantError when the pair is already there. */
  insert(tree: number, key: number, tie: number, weight: number): void {
    const node = this.allocateSlot();
    this.keys[node] = key;
    this.ties[node] = tie;
    this.weights[node] = weight;
    this.maxWeights[node] = weight;
    this.lefts[node] = NIL;
    this.rights[node] = NIL;
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x;
    this.priorities[node] = x;
    this.roots[tree] = this.insertAt(this.roots[tree]!, node, tree);
    this.counts[tree]! += 1;
  }

  /**
   * Removes (key, tie), inserted with `weight`, from `tree`.
   * @throws InvariantError when the pair is not in the tree or has another weight (the caller's view
   * of the set is wrong); the tree is left unchanged.
   */
  remove(tree: number, key: number, tie: number, weight: number): void {
    this.roots[tree] = this.removeAt(this.roots[tree]!, key, tie, weight, tree);
    this.counts[tree]! -= 1;
  }

  /** The first node of `tree` not below (key, tie), or NIL. */
  lowerBound(tree: number, key: number, tie: number): number {
    const keys = this.keys;
    let found = NIL;
    let node = this.roots[tree]!;
    while (node !== NIL) {
      const nodeKey = keys[node]!;
      if (nodeKey > key || (nodeKey === key && this.ties[node]! >= tie)) {
        found = node;
        node = this.lefts[node]!;
      } else node = this.rights[node]!;
    }
    return found;
  }

  /** The last (largest) node of `tree`, or NIL. */
  last(tree: number): number {
    let node = this.roots[tree]!;
    if (node === NIL) return NIL;
    for (let right = this.rights[node]!; right !== NIL; right = this.rights[node]!) node = right;
    return node;
  }

  /** The first node of `tree` whose weight is at least `minWeight`, or NIL. */
  firstFit(tree: number, minWeight: number): number {
    return this.firstFitBelow(this.roots[tree]!, minWeight);
  }

  /** The first node of `tree` with key at least `fromKey` and weight at least `minWeight`, or NIL. */
  firstFitFrom(tree: number, fromKey: number, minWeight: number): number {
    return this.firstFitFromAt(this.roots[tree]!, fromKey, minWeight);
  }

  /** Every node of `tree` in order. Allocates; for tests and diagnostics. */
  entries(tree: number): TreapEntry[] {
    const out: TreapEntry[] = [];
    const stack: number[] = [];
    let node = this.roots[tree]!;
    while (node !== NIL || stack.length > 0) {
      for (; node !== NIL; node = this.lefts[node]!) stack.push(node);
      node = stack.pop()!;
      out.push({ key: this.keys[node]!, tie: this.ties[node]!, weight: this.weights[node]! });
      node = this.rights[node]!;
    }
    return out;
  }

  /** Checks order, heap priorities, cached maxima and the count of `tree`; returns the first problem. */
  validate(tree: number): string | undefined {
    let problem: string | undefined;
    let previous = NIL;
    const visit = (node: number, parentPriority: number): number => {
      if (node === NIL || problem !== undefined) return 0;
      if (this.priorities[node]! > parentPriority) problem = `node ${node} outranks its parent`;
      const below = visit(this.lefts[node]!, this.priorities[node]!);
      if (previous !== NIL && !this.less(previous, node)) problem ??= `node ${node} is out of order`;
      previous = node;
      const above = visit(this.rights[node]!, this.priorities[node]!);
      const max = Math.max(this.weights[node]!, this.maxWeights[this.lefts[node]!]!, this.maxWeights[this.rights[node]!]!);
      if (this.maxWeights[node] !== max) problem ??= `node ${node} caches a wrong maximum`;
      return below + above + 1;
    };
    const seen = visit(this.roots[tree]!, 2 ** 31);
    if (problem === undefined && seen !== this.counts[tree]) problem = `tree ${tree} counts ${this.counts[tree]} nodes, holds ${seen}`;
    return problem;
  }

  // --- internals ---

  private less(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka < kb || (ka === kb && this.ties[a]! < this.ties[b]!);
  }

  private pull(node: number): void {
    const left = this.maxWeights[this.lefts[node]!]!;
    const right = this.maxWeights[this.rights[node]!]!;
    const own = this.weights[node]!;
    this.maxWeights[node] = own >= left ? (own >= right ? own : right) : left >= right ? left : right;
  }

  private insertAt(root: number, node: number, tree: number): number {
    if (root === NIL) return node;
    if (this.less(node, root)) {
      const child = this.insertAt(this.lefts[root]!, node, tree);
      this.lefts[root] = child;
      if (this.priorities[child]! > this.priorities[root]!) return this.rotateRight(root);
    } else if (this.less(root, node)) {
      const child = this.insertAt(this.rights[root]!, node, tree);
      this.rights[root] = child;
      if (this.priorities[child]! > this.priorities[root]!) return this.rotateLeft(root);
    } else {
      this.releaseSlot(node);
      throw new InvariantError(`treap ${tree}: (${this.keys[root]}, ${this.ties[root]}) inserted twice`);
    }
    this.pull(root);
    return root;
  }

  private removeAt(root: number, key: number, tie: number, weight: number, tree: number): number {
    if (root === NIL) throw new InvariantError(`treap ${tree}: no node (${key}, ${tie}) to remove`);
    const rootKey = this.keys[root]!;
    const rootTie = this.ties[root]!;
    if (key < rootKey || (key === rootKey && tie < rootTie)) this.lefts[root] = this.removeAt(this.lefts[root]!, key, tie, weight, tree);
    else if (key > rootKey || tie > rootTie) this.rights[root] = this.removeAt(this.rights[root]!, key, tie, weight, tree);
    else {
      if (this.weights[root] !== weight) throw new InvariantError(`treap ${tree}: (${key}, ${tie}) has weight ${this.weights[root]}, not ${weight}`);
      const joined = this.join(this.lefts[root]!, this.rights[root]!);
      this.releaseSlot(root);
      return joined;
    }
    this.pull(root);
    return root;
  }

  /** Joins two trees where every node of `a` orders before every node of `b`. */
  private join(a: number, b: number): number {
    if (a === NIL) return b;
    if (b === NIL) return a;
    if (this.priorities[a]! > this.priorities[b]!) {
      this.rights[a] = this.join(this.rights[a]!, b);
      this.pull(a);
      return a;
    }
    this.lefts[b] = this.join(a, this.lefts[b]!);
    this.pull(b);
    return b;
  }

  private rotateRight(node: number): number {
    const left = this.lefts[node]!;
    this.lefts[node] = this.rights[left]!;
    this.rights[left] = node;
    this.pull(node);
    this.pull(left);
    return left;
  }

  private rotateLeft(node: number): number {
    const right = this.rights[node]!;
    this.rights[node] = this.lefts[right]!;
    this.lefts[right] = node;
    this.pull(node);
    this.pull(right);
    return right;
  }

  private firstFitBelow(node: number, minWeight: number): number {
    const maxWeights = this.maxWeights;
    if (maxWeights[node]! < minWeight) return NIL;
    for (;;) {
      const left = this.lefts[node]!;
      if (maxWeights[left]! >= minWeight) node = left;
      else if (this.weights[node]! >= minWeight) return node;
      else node = this.rights[node]!;
    }
  }

  /** O(depth): left recursion follows the search path for `fromKey`; only one right descent can succeed. */
  private firstFitFromAt(node: number, fromKey: number, minWeight: number): number {
    if (this.maxWeights[node]! < minWeight) return NIL;
    if (this.keys[node]! < fromKey) return this.firstFitFromAt(this.rights[node]!, fromKey, minWeight);
    const inLeft = this.firstFitFromAt(this.lefts[node]!, fromKey, minWeight);
    if (inLeft !== NIL) return inLeft;
    if (this.weights[node]! >= minWeight) return node;
    return this.firstFitBelow(this.rights[node]!, minWeight);
  }

  private allocateSlot(): number {
    const released = this.releasedHead;
    if (released !== NIL) {
      this.releasedHead = this.lefts[released]!;
      return released;
    }
    if (this.nextUnused === this.keys.length) this.grow();
    return this.nextUnused++;
  }

  private releaseSlot(node: number): void {
    this.lefts[node] = this.releasedHead;
    this.releasedHead = node;
  }

  private grow(): void {
    const capacity = this.keys.length * 2;
    const widen = <T extends Float64Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.keys = widen(this.keys, new Float64Array(capacity));
    this.ties = widen(this.ties, new Float64Array(capacity));
    this.weights = widen(this.weights, new Float64Array(capacity));
    this.maxWeights = widen(this.maxWeights, new Float64Array(capacity));
    this.lefts = widen(this.lefts, new Int32Array(capacity));
    this.rights = widen(this.rights, new Int32Array(capacity));
    this.priorities = widen(this.priorities, new Int32Array(capacity));
  }
}
