import { libraryConfig } from "@osmem/tsup-config";

// Two entries: the CLI, and the worker each allocator is measured in (a fresh isolate per allocator).
// The allocators stay external (their own built dist); only the harness's .rep parser is bundled.
export default libraryConfig(["src/cli.ts", "src/worker.ts"], { dts: false, external: [/^@osmem\//, /^@thi\.ng\//] });
