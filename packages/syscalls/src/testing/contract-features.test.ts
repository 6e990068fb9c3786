// Unit tests for the contract suite's own plumbing: the feature list and opt-out validation.
// The suite's behaviour is exercised by every backend package that runs it.
import { describe, expect, it } from "vitest";
import { CONTRACT_FEATURES, describeSyscallContract, isContractFeature, type ContractFeature } from "./index.js";

describe("contract features", () => {
  it("are named area.behaviour in kebab-case", () => {
    for (const name of Object.keys(CONTRACT_FEATURES)) expect(name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it("recognises known names only", () => {
    expect(isContractFeature("brk.query")).toBe(true);
    expect(isContractFeature("toString")).toBe(false);
    expect(isContractFeature("brk.everything")).toBe(false);
  });

  it("rejects an unknown opt-out before registering anything", () => {
    const makeBackend = (): never => {
      throw new Error("not called");
    };
    expect(() => describeSyscallContract(makeBackend, { skip: ["brk.shrink" as ContractFeature] })).toThrow(RangeError);
  });
});
