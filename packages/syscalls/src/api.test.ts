// Unit tests for the few runtime values in api.ts: result builders, errno numbers, the
// SegmentationFault error and address formatting.
import { describe, expect, it } from "vitest";
import { ERRNO_VALUES, MAP_ANONYMOUS, MAP_PRIVATE, NULL, PROT_READ, PROT_WRITE, SegmentationFault, formatAddr, sysFail, sysOk } from "./api.js";

describe("SysResult builders", () => {
  it("builds successes and failures", () => {
    expect(sysOk(5)).toEqual({ ok: true, value: 5 });
    expect(sysFail("EINVAL")).toEqual({ ok: false, errno: "EINVAL" });
  });
});

describe("constants", () => {
  it("match Linux", () => {
    expect(NULL).toBe(0);
    expect(ERRNO_VALUES.ENOMEM).toBe(12);
    expect(ERRNO_VALUES.EINVAL).toBe(22);
    expect(PROT_READ | PROT_WRITE).toBe(3);
    expect(MAP_PRIVATE | MAP_ANONYMOUS).toBe(0x22);
    expect(Object.isFrozen(ERRNO_VALUES)).toBe(true);
  });
});

describe("SegmentationFault", () => {
  it("carries the address and length and names them in the message", () => {
    const fault = new SegmentationFault(0x7fff_0000_1000, 8, "read");
    expect(fault).toBeInstanceOf(Error);
    expect(fault.name).toBe("SegmentationFault");
    expect(fault.addr).toBe(0x7fff_0000_1000);
    expect(fault.lengthBytes).toBe(8);
    expect(fault.message).toContain("0x7fff00001000");
    expect(fault.message).toContain("read of 8 byte(s)");
  });
});

describe("formatAddr", () => {
  it("prints lower-case hex with a 0x prefix, exact up to 2^53", () => {
    expect(formatAddr(0)).toBe("0x0");
    expect(formatAddr(0x5555_5555_9000)).toBe("0x555555559000");
    expect(formatAddr(2 ** 53 - 1)).toBe("0x1fffffffffffff");
  });
});
