import type { Options } from "tsup";
/** The tsup config of an osmem package. */
export declare function libraryConfig(entry: string[], overrides?: Options): Options | Options[];
