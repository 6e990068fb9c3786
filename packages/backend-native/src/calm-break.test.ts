import { describe, expect, it } from "vitest";
import { CALM_BREAK_TUNABLES, calmBreakEnvironment } from "./calm-break.js";

describe("calmBreakEnvironment", () => {
  it("adds the tunables and keeps the rest of the environment", () => {
    expect(calmBreakEnvironment({ PATH: "/bin" })).toEqual({ PATH: "/bin", GLIBC_TUNABLES: CALM_BREAK_TUNABLES });
  });
  it("appends to tunables that are already set", () => {
    expect(calmBreakEnvironment({ GLIBC_TUNABLES: "glibc.malloc.arena_max=1" }).GLIBC_TUNABLES).toBe(`glibc.malloc.arena_max=1:${CALM_BREAK_TUNABLES}`);
  });
  it("does not modify its argument", () => {
    const base = { GLIBC_TUNABLES: "" };
    calmBreakEnvironment(base);
    expect(base).toEqual({ GLIBC_TUNABLES: "" });
  });
});
