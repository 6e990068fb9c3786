import { libraryConfig } from "@osmem/tsup-config";

export default libraryConfig(["src/index.ts"]);
