// The public API of @osmem/harness: the reference trace format, replaying reference programs on a
// heap, and checking them against their traces. Re-exports only; the `osmem` CLI lives in cli.ts.
export {
  CALL_COLUMN_WIDTH,
  EXIT_LINE,
  RefParseError,
  UNFINISHED_RESULT,
  VOID_RESULT,
  formatRefProgram,
  formatTrace,
  formatTraceLine,
  isPointerArg,
  parsePythonList,
  parseRef,
  parseTraceLine,
  pythonListRepr,
} from "./ref-format.js";
export type { OpKind, RefOp, RefProgram, TraceCall, TraceEnding, TraceLine } from "./ref-format.js";
export { AddressNamer, failedResultText, formatSyscallLine } from "./address-names.js";
export { resolveArgs } from "./resolve-args.js";
export type { ResolvedArg } from "./resolve-args.js";
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
export { RepOpKind, RepParseError, parseRep, traceName } from "./analyze/rep-format.js";
export { loadRep } from "./analyze/rep-file.js";
export { utilizationBound } from "./analyze/utilization-bound.js";
export type { RepTrace, RepHeader } from "./analyze/rep-format.js";
