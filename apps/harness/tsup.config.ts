import { libraryConfig } from "@osmem/tsup-config";

// ESM only: a private CLI app whose exports, bin and child-process script are the .js files.
export default libraryConfig(["src/index.ts", "src/browser.ts", "src/cli.ts", "src/replay-child.ts"], {
  format: ["esm"],
  dts: { entry: ["src/index.ts", "src/browser.ts"] },
  external: ["@osmem/backend-native"],
});
