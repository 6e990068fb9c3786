import { createSimBackend, type SimBackend } from "@osmem/backend-sim";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_MMAP_THRESHOLD_BYTES, HEADER_BYTES, InvariantError, type Heap } from "./api.js";
import { OFF_NEXT, OFF_PREV, OFF_SIZE, OFF_STATUS, blockOf } from "./block-header.js";
import { assertHeapValid, checkHeap } from "./check-heap.js";
import { createHeap } from "./heap.js";
import { stateOf } from "./internal/state-of.js";
import { testPolicy } from "./internal/test-policy.js";

let backend: SimBackend;
let heap: Heap;
let a: number;
let b: number;
let c: number;

const codes = () => checkHeap(heap).map((p) => p.code);

beforeEach(() => {
  backend = createSimBackend();
  heap = createHeap({ backend, policy: testPolicy, checkLevel: 0 });
  a = blockOf(heap.malloc(64));
  b = blockOf(heap.malloc(64));
  c = blockOf(heap.malloc(64));
});

describe("checkHeap", () => {
  it("finds nothing wrong with a healthy heap", () => {
    heap.free(b + HEADER_BYTES);
    heap.malloc(DEFAULT_MMAP_THRESHOLD_BYTES);
    expect(checkHeap(heap)).toEqual([]);
    expect(() => assertHeapValid(heap)).not.toThrow();
  });

  it("reports a size that breaks the tiling", () => {
    backend.memory.writeU64(a + OFF_SIZE, 72);
    expect(codes()).toContain("overlap");
  });

  it("reports a misaligned size", () => {
    backend.memory.writeU64(b + OFF_SIZE, 61);
    expect(codes()).toContain("alignment");
  });

  it("reports a broken back link", () => {
    backend.memory.writeU64(c + OFF_PREV, a);
    expect(codes()).toContain("link");
  });

  it("reports an unknown status", () => {
    backend.memory.writeI32(b + OFF_STATUS, 7);
    expect(codes()).toContain("status");
  });

  it("reports a cycle without looping forever", () => {
    backend.memory.writeU64(c + OFF_NEXT, a);
    expect(codes()).toContain("cycle");
  });

  it("reports a flag flipped behind the gauges' back", () => {
    backend.memory.writeI32(b + OFF_STATUS, 0);
    expect(codes()).toContain("stats");
  });

  it("reports adjacent free blocks after a coalescing pass", () => {
    heap.free(a + HEADER_BYTES);
    heap.malloc(8); // coalescing pass; a's block is reused for 8 bytes, the rest split off
    backend.memory.writeI32(c + OFF_STATUS, 0);
    expect(codes()).toContain("adjacent-free");
  });

  it("reports a heap block missing from the map of block starts", () => {
    stateOf(heap).starts.delete(b);
    expect(checkHeap(heap)).toEqual([expect.objectContaining({ code: "starts", addr: b })]);
  });

  it("reports a block start the list does not hold", () => {
    stateOf(heap).starts.add(b + 8);
    expect(checkHeap(heap)).toEqual([expect.objectContaining({ code: "starts", addr: b + 8 })]);
  });

  it("reports every problem at once, and assertHeapValid throws them", () => {
    backend.memory.writeU64(c + OFF_PREV, a);
    backend.memory.writeI32(b + OFF_STATUS, 9);
    expect(new Set(codes())).toEqual(new Set(["link", "status", "stats"]));
    expect(() => assertHeapValid(heap)).toThrow(InvariantError);
  });
});
