export { heapOpsArbitrary, runCheckedProgram, sizeArbitrary } from "./program.js";
export type { HeapOp, HeapOpsOptions, ProgramOutcome } from "./program.js";
export { withoutMemoryWindow } from "./without-window.js";
