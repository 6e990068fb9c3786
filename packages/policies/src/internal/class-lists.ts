// Doubly linked free lists, one per size class, in typed arrays: push to the front, unlink by address
// and read a list's head in O(1). A list node records the block's address and size; the block carries
// its node's index as its free tag (BlockView.setFreeTag), so removal finds the node without a search.
// The tag is checked against the node's address and size before anything is unlinked, so a stale or
// forged tag is an InvariantError, never a corrupted list.
import { InvariantError, type BlockView } from "@osmem/core";

/** The null node index. */
export const NO_NODE = 0;

/** Free lists by class over one node pool. Node 0 is never used. */
export class ClassLists {
  private addrs: Float64Array;
  private sizes: Float64Array;
  private nexts: Int32Array;
  private prevs: Int32Array;
  private classes: Int32Array;
  private readonly heads: Int32Array;
  private readonly view: BlockView;
  /** Whether a push checks that the block is not listed already (not at check level 0). */
  private readonly checksPushes: boolean;
  private releasedHead = NO_NODE;
  private nextUnused = 1;
  private listed = 0;

  constructor(view: BlockView, classCount: number, initialCapacity = 1024) {
    this.view = view;
    this.checksPushes = (view.checkLevel ?? 1) >= 1;
    const capacity = Math.max(2, initialCapacity + 1);
    this.addrs = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.nexts = new Int32Array(capacity);
    this.prevs = new Int32Array(capacity);
    this.classes = new Int32Array(capacity);
    this.heads = new Int32Array(classCount);
  }

  /** Blocks held in all lists. */
  get size(): number {
    return this.listed;
  }
  /** The first node of class `cls`, or {@link NO_NODE}. */
  head(cls: number): number {
    return this.heads[cls]!;
  }
  /** The node after `node` in its list, or {@link NO_NODE}. */
  next(node: number): number {
    return this.nexts[node]!;
  }
  addrOf(node: number): number {
    return this.addrs[node]!;
  }
  sizeOf(node: number): number {
    return this.sizes[node]!;
  }

  /**
   * Puts block `addr` (payload `sizeBytes`) at the front of class `cls`.
   * @throws InvariantError if already listed; not checked when the view's check level is 0.
   */
  push(cls: number, addr: number, sizeBytes: number): void {
    if (this.checksPushes && this.nodeOf(addr) !== NO_NODE) throw new InvariantError(`block 0x${addr.toString(16)} is already listed`);
    const node = this.allocateNode();
    this.view.setFreeTag(addr, node);
    this.listed += 1;
    const head = this.heads[cls]!;
    this.addrs[node] = addr;
    this.sizes[node] = sizeBytes;
    this.classes[node] = cls;
    this.prevs[node] = NO_NODE;
    this.nexts[node] = head;
    if (head !== NO_NODE) this.prevs[head] = node;
    this.heads[cls] = node;
  }

  /**
   * Unlinks block `addr` and returns the class it was in.
   * @throws InvariantError when the block is not listed or was listed with another size.
   */
  remove(addr: number, sizeBytes: number): number {
    const node = this.nodeOf(addr);
    if (node === NO_NODE) throw new InvariantError(`block 0x${addr.toString(16)} is not listed`);
    if (this.sizes[node] !== sizeBytes) {
      throw new InvariantError(`block 0x${addr.toString(16)} was listed with ${this.sizes[node]} bytes, removed with ${sizeBytes}`);
    }
    const cls = this.classes[node]!;
    const prev = this.prevs[node]!;
    const next = this.nexts[node]!;
    if (prev === NO_NODE) this.heads[cls] = next;
    else this.nexts[prev] = next;
    if (next !== NO_NODE) this.prevs[next] = prev;
    this.nexts[node] = this.releasedHead;
    this.addrs[node] = -1;
    this.releasedHead = node;
    this.listed -= 1;
    return cls;
  }

  /** The live node `addr`'s tag names, or {@link NO_NODE} when the tag is not one (never tagged, stale). */
  private nodeOf(addr: number): number {
    const node = this.view.freeTag(addr);
    return node > NO_NODE && node < this.nextUnused && this.addrs[node] === addr ? node : NO_NODE;
  }

  private allocateNode(): number {
    const released = this.releasedHead;
    if (released !== NO_NODE) {
      this.releasedHead = this.nexts[released]!;
      return released;
    }
    if (this.nextUnused === this.addrs.length) this.grow();
    return this.nextUnused++;
  }

  private grow(): void {
    const capacity = this.addrs.length * 2;
    const addrs = new Float64Array(capacity);
    const sizes = new Float64Array(capacity);
    const nexts = new Int32Array(capacity);
    const prevs = new Int32Array(capacity);
    const classes = new Int32Array(capacity);
    addrs.set(this.addrs);
    sizes.set(this.sizes);
    nexts.set(this.nexts);
    prevs.set(this.prevs);
    classes.set(this.classes);
    this.addrs = addrs;
    this.sizes = sizes;
    this.nexts = nexts;
    this.prevs = prevs;
    this.classes = classes;
  }
}
