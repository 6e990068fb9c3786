import { describe, expect, it } from "vitest";
import { decodeLink, encodeLink, packText, unpackText } from "../src/model/url-state.js";

describe("shareable links", () => {
  it("round-trips every kind of program source, the step and the policies", async () => {
    const text = "p = malloc 100   # ünïcode, & = ?\nfree p\n".repeat(20);
    for (const state of [
      { source: { kind: "ref", name: "test-malloc-split-vector" }, step: 15, policy: "best-fit" },
      { source: { kind: "rep", name: "binary-bal" }, step: 0, policy: "tlsf", compare: "first-fit" },
      { source: { kind: "text", text }, step: 2, policy: "compact-fit" },
      { source: { kind: "file", name: "my trace:1.rep", text: "a 0 8\nf 0\n" }, step: 1, policy: "worst-fit" },
    ] as const) {
      const fragment = await encodeLink(state);
      expect(fragment).not.toMatch(/[#\s]/);
      expect(await decodeLink(`#${fragment}`)).toEqual(state);
    }
  });

  it("deflates typed programs (a long program makes a short link)", async () => {
    const text = "a = malloc 16\nfree a\n".repeat(500);
    const packed = await packText(text);
    expect(packed.length).toBeLessThan(text.length / 20);
    expect(await unpackText(packed)).toBe(text);
  });

  it("ignores fragments that name no program, and defaults a bad step to 0", async () => {
    expect(await decodeLink("#step=3")).toBeUndefined();
    expect(await decodeLink("#src=nope:x")).toBeUndefined();
    expect(await decodeLink("#src=ref:test-all&step=abc")).toEqual({ source: { kind: "ref", name: "test-all" }, step: 0, policy: "best-fit" });
  });
});
