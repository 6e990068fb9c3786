// Conformance: every bundled reference program, replayed on backend-sim with best fit at check level 2,
// must print its `.ref` byte for byte, break no payload promise and leak nothing. A failure here is a
// bug in the allocator, never in the references (they are ground truth and never edited).
import { createSimBackend } from "@osmem/backend-sim";
import { bestFit } from "@osmem/policies";
import { describe, expect, it } from "vitest";
import { checkRef, loadRefs } from "../src/check.js";

describe("conformance: backend-sim, best fit, check level 2, strict", () => {
  const refs = loadRefs();

  it("covers the 40 bundled references worth 90 points", () => {
    expect(refs).toHaveLength(40);
    expect(refs.reduce((sum, ref) => sum + ref.points, 0)).toBe(90);
  });

  it.each(refs.map((ref) => [ref.program.name, ref] as const))("%s", (_name, ref) => {
    const result = checkRef(ref, { createBackend: () => createSimBackend(), policy: bestFit, checkLevel: 2, strict: true });
    expect(result.error, "replay problems").toBeUndefined();
    expect(result.diff, "trace diff (- expected, + produced)").toBe("");
    expect(result.leaks, "blocks left allocated at exit").toEqual([]);
    expect(result.passed).toBe(true);
  });
});
