// `pnpm bench`: parses options, picks the traces, runs every allocator, prints the tables (or JSON)
// on stdout and progress on stderr, and optionally rewrites BENCHMARKS.md's generated section and the
// README chart. Exit codes: 0 done, 1 a run failed, 2 usage error.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ALLOCATOR_NAMES } from "./allocators.js";
import { writeBenchmarksFile, writeChart } from "./bench-files.js";
import { renderReport } from "./render.js";
import { FULL_OPTIONS, QUICK_OPTIONS, runBench } from "./run-bench.js";
import { selectTraces } from "./traces.js";

const HELP = `usage: pnpm bench [--quick] [--json] [--traces DIR|FILE]... [--allocator NAME]... [--runs N]
                  [--write BENCHMARKS.md] [--chart docs/img/bench-utilization.svg]
  --quick        no repeated runs (times the warm-up replay), scaling only at 1e3 and 1e4 live blocks (a smoke run)
  --json         print the whole report as one JSON object instead of tables
  --traces P     .rep files or folders (default: the 24 traces of BENCHMARKS.md from ../shared/traces,
                 else the 17 bundled in apps/harness/traces)
  --allocator A  measure only these (default all: ${ALLOCATOR_NAMES.join(", ")})
  --runs N       timed replays per trace (default ${FULL_OPTIONS.runs}, fewer once a pair took ${FULL_OPTIONS.budgetMs / 1000} s; quick 0)
  --write FILE   replace the text between <!-- bench:begin --> and <!-- bench:end --> in FILE
  --chart FILE   write the utilization bar chart (SVG) to FILE
  --in-process   measure every allocator in this thread instead of one worker thread each`;

function usage(message: string): never {
  process.stderr.write(`${message}\n${HELP}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        quick: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        traces: { type: "string", multiple: true, default: [] },
        allocator: { type: "string", multiple: true, default: [] },
        runs: { type: "string" },
        write: { type: "string" },
        chart: { type: "string" },
        "in-process": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const unknown = values.allocator.filter((a) => !ALLOCATOR_NAMES.includes(a));
  if (unknown.length > 0) usage(`unknown allocator: ${unknown.join(", ")}`);
  const preset = values.quick ? QUICK_OPTIONS : FULL_OPTIONS;
  const runs = values.runs === undefined ? preset.runs : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 0) usage(`--runs takes a non-negative integer, not ${values.runs}`);
  let selection;
  try {
    selection = selectTraces(values.traces);
  } catch (error) {
    usage(error instanceof Error ? error.message : String(error));
  }
  if (selection.note !== undefined) process.stderr.write(`${selection.note}\n`);
  if (selection.files.length === 0) usage(`no .rep files in ${selection.source}`);

  const tty = process.stderr.isTTY;
  const report = await runBench(
    {
      traces: selection.files,
      traceSource: selection.source,
      runs,
      budgetMs: preset.budgetMs,
      minMs: preset.minMs,
      warmupMs: preset.warmupMs,
      liveCounts: preset.liveCounts,
      scalingMs: preset.scalingMs,
      ...(values.allocator.length > 0 ? { allocators: values.allocator } : {}),
      isolate: !values["in-process"],
    },
    (done, total, label) => process.stderr.write(tty ? `\r\x1b[K[${done + 1}/${total}] ${label}` : `[${done + 1}/${total}] ${label}\n`),
  );
  if (tty) process.stderr.write("\r\x1b[K");
  process.stderr.write(`done in ${report.elapsedSec.toFixed(1)} s\n`);
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : renderReport(report));
  if (values.write !== undefined) writeBenchmarksFile(resolve(values.write), report);
  if (values.chart !== undefined) writeChart(resolve(values.chart), report);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
