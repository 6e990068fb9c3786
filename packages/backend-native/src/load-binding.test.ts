// The loader and the raw addon it returns: availability and its one-line reason agree, the thin C++
// wrappers reject bad arguments with TypeError rather than crashing, and traceMarker is harmless.
import { describe, expect, it } from "vitest";
import { describeNative } from "./internal/describe-native.js";
import { isNativeBackendAvailable, nativeBackendUnavailableReason, requireBinding } from "./load-binding.js";
import { traceMarker } from "./trace-marker.js";

describe("the loader", () => {
  it("is available exactly when it has no reason not to be, and the reason is one line", () => {
    const reason = nativeBackendUnavailableReason();
    expect(isNativeBackendAvailable()).toBe(reason === undefined);
    if (reason !== undefined) expect(reason).not.toContain("\n");
  });
});

describeNative("the raw binding", () => {
  it("reports a power-of-two page size", () => {
    const { pageSize } = requireBinding();
    expect(pageSize & (pageSize - 1)).toBe(0);
  });

  it.each([
    ["brk('x')", () => requireBinding().brk("x" as unknown as number)],
    ["brk(-1)", () => requireBinding().brk(-1)],
    ["brk(2^53)", () => requireBinding().brk(2 ** 53)],
    ["mmap(4096) without prot", () => (requireBinding().mmap as unknown as (length: number) => unknown)(4096)],
    ["munmap(0.5, 1)", () => requireBinding().munmap(0.5, 1)],
    ["createView(0, 8)", () => requireBinding().createView(0, 8)],
    ["detachView({})", () => requireBinding().detachView({} as ArrayBuffer)],
    ["setDataLimit(NaN)", () => requireBinding().setDataLimit(Number.NaN)],
  ])("throws TypeError for %s", (_, call) => {
    expect(call).toThrow(TypeError);
  });

  it("detaches a view once and counts it", () => {
    const binding = requireBinding();
    const mapped = binding.mmap(binding.pageSize, true);
    if (!mapped.ok) throw new Error(`mmap failed with errno ${mapped.errno}`);
    const view = binding.createView(mapped.value, binding.pageSize);
    const before = binding.viewCounts();
    binding.detachView(view);
    binding.detachView(view);
    expect(view.byteLength).toBe(0);
    expect(binding.viewCounts().detached).toBe(before.detached + 1);
    expect(binding.munmap(mapped.value, binding.pageSize)).toEqual({ ok: true, value: 0 });
  });

  it("marks an strace window without failing", () => {
    expect(() => traceMarker("osmem: marker from a test")).not.toThrow();
    expect(requireBinding().traceMarker("x")).toBe(-1);
    expect(() => traceMarker(42 as unknown as string)).toThrow(TypeError);
  });
});
