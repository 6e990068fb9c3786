// The CommonJS build, loaded the way a CommonJS consumer loads it: `require` of the package's own name
// resolves through the `exports` map to dist/index.cjs (so it needs a build). That build finds the
// addon from its own location (through tsup's import.meta.url shim): it loads wherever the source does,
// and its backend makes real syscalls.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { describeNative } from "./internal/describe-native.js";
import { isNativeBackendAvailable, nativeBackendUnavailableReason } from "./load-binding.js";

const require = createRequire(import.meta.url);
type BackendNative = typeof import("./index.js");

describe("the CommonJS build", () => {
  it("is what require() of the package resolves to", () => {
    expect(require.resolve("@osmem/backend-native")).toMatch(/[\\/]backend-native[\\/]dist[\\/]index\.cjs$/);
  });

  it("loads the addon exactly when the source does", () => {
    const cjs = require("@osmem/backend-native") as BackendNative;
    expect(cjs.nativeBackendUnavailableReason()).toBe(nativeBackendUnavailableReason());
    expect(cjs.isNativeBackendAvailable()).toBe(isNativeBackendAvailable());
  });
});

describeNative("the CommonJS build's backend", () => {
  it("makes a real brk(0) on the process break and records it", () => {
    const { createNativeBackend } = require("@osmem/backend-native") as BackendNative;
    const backend = createNativeBackend();
    try {
      const result = backend.brk(0);
      expect(result).toEqual({ ok: true, value: backend.peekBreak() });
      expect(backend.log).toEqual([{ kind: "brk", addr: 0, result }]);
    } finally {
      backend.dispose();
    }
  });

  it("maps, writes and reads real memory", () => {
    const { createNativeBackend } = require("@osmem/backend-native") as BackendNative;
    const backend = createNativeBackend();
    try {
      const mapped = backend.mmap(backend.pageSize);
      if (!mapped.ok) throw new Error(`mmap failed with ${mapped.errno}`);
      backend.memory.writeU32(mapped.value, 0x1234_5678);
      expect(backend.memory.readU32(mapped.value)).toBe(0x1234_5678);
      expect(backend.munmap(mapped.value, backend.pageSize)).toEqual({ ok: true, value: 0 });
    } finally {
      backend.dispose();
    }
  });
});
