import { libraryConfig } from "@osmem/tsup-config";

export default libraryConfig(["src/index.ts", "src/browser.ts", "src/cli.ts", "src/replay-child.ts"], {
  dts: { entry: ["src/index.ts", "src/browser.ts"] },
  external: ["@osmem/backend-native"],
});
