// The utilization bound: worked out by hand on tiny traces, and checked to be a real upper bound —
// no policy that gives every request a block of its own exceeds it on any bundled trace, and a policy
// with slabs (many objects under one header) never exceeds the header-free bound.
import { readdirSync } from "node:fs";
import { POLICIES } from "@osmem/policies";
import { describe, expect, it } from "vitest";
import { loadRep } from "../src/analyze/rep-file.js";
import { parseRep } from "../src/analyze/rep-format.js";
import { utilizationBound } from "../src/analyze/utilization-bound.js";
import { replayWorkload } from "../src/analyze/workload-replay.js";
import { BUNDLED_TRACES_DIR } from "../src/analyze-command.js";

const trace = (...lines: string[]) => parseRep(`${lines.length}\n${lines.length}\n${lines.join("\n")}\n`, "hand.rep");

describe("utilizationBound", () => {
  it("is peak live ÷ the largest sum of aligned payloads plus headers, each peak at its own time", () => {
    // t1: 100 live in 104+32; t2: +8 in 8+32 -> 108 in 176; t3: free 0 -> 8 in 40; t4: +200 -> 208 in 40+232 = 272.
    expect(utilizationBound(trace("a 0 100", "a 1 8", "f 0", "a 2 200"))).toBe(208 / 272);
    expect(utilizationBound(trace("a 0 100", "a 1 8", "f 0", "a 2 200"), 8)).toBe(208 / (16 + 208));
  });

  it("treats realloc as replacing the block, realloc to 0 and free(NULL) as holding nothing", () => {
    expect(utilizationBound(trace("a 0 8", "r 0 16", "r 0 0", "f -1"))).toBe(16 / 48);
    expect(utilizationBound(trace("f -1"))).toBe(0);
  });

  const files = readdirSync(BUNDLED_TRACES_DIR).filter((f) => f.endsWith(".rep"));
  it.each(files)("%s: no policy beats it (with slabs: the header-free bound)", (file) => {
    const rep = loadRep(`${BUNDLED_TRACES_DIR}/${file}`);
    const bound = utilizationBound(rep);
    const headerFree = utilizationBound(rep, 0);
    expect(bound).toBeGreaterThan(0);
    expect(bound).toBeLessThanOrEqual(headerFree);
    expect(headerFree).toBeLessThanOrEqual(1);
    for (const policy of Object.values(POLICIES).filter((p) => p.name !== "best-fit")) {
      const { metrics } = replayWorkload(rep, { policy, contentChecks: false, sampleCount: 2 });
      const slabs = (policy.heapShape?.slabMaxBytes ?? 0) > 0;
      expect(metrics.peakUtilization, policy.name).toBeLessThanOrEqual(slabs ? headerFree : bound);
      expect(metrics.utilizationBound).toBe(bound);
    }
  });
});
