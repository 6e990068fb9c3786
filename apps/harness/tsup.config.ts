import { libraryConfig } from "@osmem/tsup-config";

export default libraryConfig(["src/index.ts", "src/cli.ts"], { dts: { entry: "src/index.ts" } });
