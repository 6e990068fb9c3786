// Moves a live heap to any step of a program. Forward steps apply the next calls; a step backward
// replays the program from a fresh heap (runs are deterministic, so the state is exactly the earlier
// one; see ADR 0006). Pictures of recently shown steps are cached, and a replay also pictures the
// steps just before its target, so stepping back one call at a time is instant after the first.
// A long move can also be made a slice at a time (advance with a deadline), so a page never freezes on it.
import { CALLS_PER_CLOCK_CHECK, Machine } from "./machine.js";
import { pictureOf, type HeapPicture } from "./picture.js";
import type { Program } from "./program.js";

/** A backward replay also pictures this many steps before its target. */
export const REWIND_PREFETCH = 32;
/** The cache holds pictures of at most this many blocks in all (each picture weighs its blocks). */
export const CACHE_BLOCK_BUDGET = 250_000;

/** One program under one policy, positioned at a step. */
export class Navigator {
  readonly program: Program;
  readonly policyName: string;
  private machine: Machine;
  private readonly cache = new Map<number, HeapPicture>();
  private cachedBlocks = 0;
  /** The step an unfinished {@link Navigator.advance} is heading for (-1: none), and where its pictures start. */
  private movingTo = -1;
  private prefetchFrom = 0;

  /** `known`: pictures of steps already computed elsewhere (e.g. a timeline's last step), served from the cache. */
  constructor(program: Program, policyName: string, known: readonly HeapPicture[] = []) {
    this.program = program;
    this.policyName = policyName;
    this.machine = new Machine(program, policyName);
    for (const picture of known) this.remember(picture);
  }

  /** The step the live heap is at (where an unfinished move stopped). */
  get position(): number {
    return this.machine.step;
  }

  /** The number of calls in the program (the last step). */
  get length(): number {
    return this.program.ops.length;
  }

  /** Moves to `step`, clamped to `[0, length]`, and returns the heap there. */
  goTo(step: number): HeapPicture {
    const picture = this.advance(step, Number.POSITIVE_INFINITY);
    if (picture === undefined) throw new Error("unreachable: a move without a deadline always arrives");
    return picture;
  }

  /**
   * Moves toward `step` (clamped to `[0, length]`) until `performance.now()` passes `deadlineMs`:
   * the heap there, or `undefined` when time ran out first. Calling again with the same step goes on
   * from where it stopped, so a long move can be spread over several slices of a page's time.
   */
  advance(step: number, deadlineMs: number): HeapPicture | undefined {
    const target = Math.max(0, Math.min(this.length, Math.trunc(step)));
    const cached = this.cache.get(target);
    if (cached !== undefined) {
      this.cache.delete(target);
      this.cache.set(target, cached);
      return cached;
    }
    if (target < this.machine.step) {
      this.machine = new Machine(this.program, this.policyName);
      this.prefetchFrom = target - REWIND_PREFETCH;
    } else if (target !== this.movingTo) {
      this.prefetchFrom = target;
    }
    this.movingTo = target;
    const machine = this.machine;
    while (machine.step < target) {
      machine.applyNext(true);
      if (machine.step >= this.prefetchFrom && machine.step < target) this.remember(pictureOf(machine));
      if (machine.step % CALLS_PER_CLOCK_CHECK === 0 && machine.step < target && performance.now() > deadlineMs) return undefined;
    }
    this.movingTo = -1;
    return this.remember(pictureOf(machine));
  }

  private remember(picture: HeapPicture): HeapPicture {
    this.cache.set(picture.step, picture);
    this.cachedBlocks += picture.blocks.length + 1;
    for (const [step, old] of this.cache) {
      if (this.cachedBlocks <= CACHE_BLOCK_BUDGET || step === picture.step) break;
      this.cache.delete(step);
      this.cachedBlocks -= old.blocks.length + 1;
    }
    return picture;
  }
}
