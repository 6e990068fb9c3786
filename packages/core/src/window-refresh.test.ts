import { createSimBackend } from "@osmem/backend-sim";
import type { Memory, SyscallBackend } from "@osmem/syscalls";
import { describe, expect, it } from "vitest";
import { createHeap } from "./heap.js";
import { testPolicy } from "./internal/test-policy.js";
import { withoutMemoryWindow } from "./testing/without-window.js";

/** The sim backend with its memory wrapped to count `windowAt` calls, with or without its `windowEpoch`. */
function countingWindows(withEpoch: boolean) {
  const sim = createSimBackend();
  const m = sim.memory;
  const counts = { fetches: 0 };
  const plain = withoutMemoryWindow(sim);
  const memory: Memory = {
    ...plain.memory,
    windowAt: (addr) => {
      counts.fetches += 1;
      return m.windowAt?.(addr);
    },
    ...(withEpoch ? { get windowEpoch() { return m.windowEpoch; } } : {}),
  };
  const backend: SyscallBackend = { ...plain, memory };
  return { sim, backend, counts };
}

/** 50 malloc/free pairs that fit in the preallocated heap (no syscall). */
function churn(heap: ReturnType<typeof createHeap>): void {
  for (let i = 0; i < 50; i++) heap.free(heap.malloc(8 + 8 * (i % 7)));
}

describe("the heap's memory window", () => {
  it("is fetched again only when the memory's windowEpoch changed since the last fetch", () => {
    const { sim, backend, counts } = countingWindows(true);
    const heap = createHeap({ backend, policy: testPolicy });
    heap.free(heap.malloc(16)); // the first brk
    counts.fetches = 0;
    churn(heap);
    expect(counts.fetches).toBe(0);
    sim.moveBreakExternally(sim.peekBreak() + 4096);
    churn(heap);
    expect(counts.fetches).toBe(1);
    heap.free(heap.malloc(200_000)); // mmap + munmap: fetched after each, though the heap's window did not change
    expect(counts.fetches).toBe(3);
  });

  it("is fetched at the start of every public call when the memory has no windowEpoch", () => {
    const { backend, counts } = countingWindows(false);
    const heap = createHeap({ backend, policy: testPolicy });
    heap.free(heap.malloc(16));
    counts.fetches = 0;
    churn(heap);
    expect(counts.fetches).toBe(100);
  });
});
