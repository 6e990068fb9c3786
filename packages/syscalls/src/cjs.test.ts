// The CommonJS build, loaded the way a CommonJS consumer loads it: `require` of the package's own name
// resolves through the `exports` map to dist/index.cjs (so it needs a build) and gives working exports.
// `./testing` is ESM only: it imports vitest, which refuses to be loaded with require().
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
type Syscalls = typeof import("./index.js");

describe("the CommonJS build", () => {
  it("is what require() of the package resolves to", () => {
    expect(require.resolve("@osmem/syscalls")).toMatch(/[\\/]syscalls[\\/]dist[\\/]index\.cjs$/);
  });

  it("exports the constants, the error class and the trace helpers", () => {
    const cjs = require("@osmem/syscalls") as Syscalls;
    expect(cjs.ERRNO_VALUES.ENOMEM).toBe(12);
    expect(cjs.MAP_ANONYMOUS).toBe(0x20);
    const fault = new cjs.SegmentationFault(0x1000, 8);
    expect(fault).toBeInstanceOf(Error);
    expect(fault.name).toBe("SegmentationFault");
    expect(cjs.formatAddr(0x1000)).toBe("0x1000");
    expect(cjs.countSyscalls([cjs.anonymousMmapEvent(4096, cjs.sysOk(0x7000))])).toEqual({ brk: 0, mmap: 1, munmap: 0 });
  });

  it("offers ./testing to import only", () => {
    expect(() => require.resolve("@osmem/syscalls/testing")).toThrow(expect.objectContaining({ code: "ERR_PACKAGE_PATH_NOT_EXPORTED" }));
  });
});
