import { libraryConfig } from "@osmem/tsup-config";

// Entries: the CLI, the worker each allocator is measured in (a fresh isolate per allocator), the
// ceiling experiments (bare TLSF, bare reference best fit, the loop alone) and the instruction
// counter. ESM only: a private app run as `node dist/cli.js` that starts dist/worker.js.
// The allocators stay external (their own built dist); only the harness's .rep parser is bundled.
export default libraryConfig(["src/cli.ts", "src/worker.ts", "src/experiments/ceiling-tlsf.ts", "src/experiments/ceiling-best-fit.ts", "src/experiments/ceiling-loop.ts", "src/experiments/instructions.ts"], {
  format: ["esm"],
  dts: false,
  external: [/^@osmem\//, /^@thi\.ng\//],
});
