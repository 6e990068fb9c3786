// Shared tsup settings for every osmem package: ESM only, declarations, source maps, Node 20.
import { defineConfig } from "tsup";

/**
 * The tsup config of an osmem package.
 * @param {string[]} entry source entry points, e.g. ["src/index.ts", "src/testing/index.ts"]
 * @param {import("tsup").Options} [overrides]
 */
export function libraryConfig(entry, overrides = {}) {
  return defineConfig({
    entry,
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    outDir: "dist",
    ...overrides,
  });
}
