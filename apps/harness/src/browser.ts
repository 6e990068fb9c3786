// `@osmem/harness/browser`: the parts of the harness with no Node.js imports (file formats, trace
// naming, the report's text helpers), so a browser bundle (the explorer) reads the same programs and
// names addresses the same way as the CLI.
export {
  CALL_COLUMN_WIDTH,
  EXIT_LINE,
  RefParseError,
  UNFINISHED_RESULT,
  VOID_RESULT,
  formatTraceLine,
  isPointerArg,
  parseRef,
  parseTraceLine,
} from "./ref-format.js";
export type { OpKind, RefOp, RefProgram, TraceLine } from "./ref-format.js";
export { AddressNamer, formatSyscallLine } from "./address-names.js";
export { resolveArgs } from "./resolve-args.js";
export type { ResolvedArg } from "./resolve-args.js";
export { MAX_REP_ID, RepOpKind, RepParseError, parseRep, traceName } from "./analyze/rep-format.js";
export type { RepHeader, RepTrace } from "./analyze/rep-format.js";
export { PALETTE, escapeXml, formatBytes, formatPercent, niceTicks } from "./analyze/svg-charts.js";
export { utilizationBound } from "./analyze/utilization-bound.js";
export { externalFragmentationOf, freeRuns } from "./analyze/metrics.js";
