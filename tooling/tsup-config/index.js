// Shared tsup settings for every osmem package: ESM and CommonJS with declarations for both, source
// maps, Node 20. `shims` makes `import.meta.url` work in the CJS build. `splitting` is on for CJS too
// (esbuild does it for ESM anyway), so code that two entry points share (e.g. `.` and `./testing`) lives
// in one chunk and they see the same classes; without it `instanceof` fails between them.
// A package that should stay ESM only passes `format: ["esm"]` as an override.
import { defineConfig } from "tsup";

/**
 * The tsup config of an osmem package.
 * @param {string[]} entry source entry points, e.g. ["src/index.ts", "src/testing/index.ts"]
 * @param {import("tsup").Options} [overrides]
 */
export function libraryConfig(entry, overrides = {}) {
  return defineConfig({
    entry,
    format: ["esm", "cjs"],
    shims: true,
    splitting: true,
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    outDir: "dist",
    ...overrides,
  });
}
