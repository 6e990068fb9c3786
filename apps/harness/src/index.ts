// The public API of @osmem/harness: the reference trace format, replaying reference programs on a
// heap, and checking them against their traces; everything of `./browser` plus the Node-only parts.
// Re-exports only; the `osmem` CLI lives in cli.ts.
export * from "./browser.js";
export { failedResultText } from "./address-names.js";
export { formatRefProgram, formatTrace, parsePythonList, pythonListRepr } from "./ref-format.js";
export type { TraceCall, TraceEnding } from "./ref-format.js";
export { PayloadTracker, patternByte, patternBytes } from "./payload-check.js";
export type { LivePayload } from "./payload-check.js";
export { coreDriver, describeProblems, replayProgram } from "./replay.js";
export type { HeapDriver, Leak, OpSite, ReplayFailure, ReplayOptions, ReplayResult, Violation } from "./replay.js";
export {
  BUNDLED_REFS_DIR,
  POINTS_FILE,
  UsageError,
  checkRef,
  checkRefs,
  findRefs,
  loadPoints,
  loadRefs,
  refName,
} from "./check.js";
export type { CheckOptions, CheckResult, LoadedRef } from "./check.js";
export { BACKEND_NAMES, parseCheckLevel, policyByName, policyNames, resolveBackend } from "./components.js";
export type { BackendChoice } from "./components.js";
export { replayIsolated, toOutcome } from "./isolated-replay.js";
export type { IsolatedReplayOptions, ReplayOutcome } from "./isolated-replay.js";
export { MAX_DIFF_LINES, colorDiff, formatFailure, formatHumanReport, formatJsonLine, formatTableLine, totalPoints } from "./report.js";
export type { Colors } from "./report.js";
export { loadRep } from "./analyze/rep-file.js";
