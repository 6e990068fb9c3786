// Moves a live heap to any step of a program. Forward steps apply the next calls; a step backward
// replays the program from a fresh heap (runs are deterministic, so the state is exactly the earlier
// one; see ADR 0006). Pictures of recently shown steps are cached, and a replay also pictures the
// steps just before its target, so stepping back one call at a time is instant after the first.
import { Machine } from "./machine.js";
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

  constructor(program: Program, policyName: string) {
    this.program = program;
    this.policyName = policyName;
    this.machine = new Machine(program, policyName);
  }

  /** The number of calls in the program (the last step). */
  get length(): number {
    return this.program.ops.length;
  }

  /** Moves to `step`, clamped to `[0, length]`, and returns the heap there. */
  goTo(step: number): HeapPicture {
    const target = Math.max(0, Math.min(this.length, Math.trunc(step)));
    const cached = this.cache.get(target);
    if (cached !== undefined) {
      this.cache.delete(target);
      this.cache.set(target, cached);
      return cached;
    }
    const rewinding = target < this.machine.step;
    if (rewinding) this.machine = new Machine(this.program, this.policyName);
    const prefetchFrom = rewinding ? target - REWIND_PREFETCH : target;
    while (this.machine.step < target) {
      this.machine.applyNext(true);
      if (this.machine.step >= prefetchFrom && this.machine.step < target) this.remember(pictureOf(this.machine));
    }
    return this.remember(pictureOf(this.machine));
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
