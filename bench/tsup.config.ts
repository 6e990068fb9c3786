import { libraryConfig } from "@osmem/tsup-config";

// Entries: the CLI, the worker each allocator is measured in (a fresh isolate per allocator), and the
// bare-TLSF experiment.
// The allocators stay external (their own built dist); only the harness's .rep parser is bundled.
export default libraryConfig(["src/cli.ts", "src/worker.ts", "src/experiments/ceiling-tlsf.ts"], { dts: false, external: [/^@osmem\//, /^@thi\.ng\//] });
