// The one place the bench gets the malloclab `.rep` parser from: the harness's own parser (the one
// `osmem analyze` uses), through its public entry point. Never parse traces anywhere else in the bench.
export { RepOpKind, loadRep, utilizationBound } from "@osmem/harness";
export type { RepTrace } from "@osmem/harness";
