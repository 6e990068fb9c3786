#!/usr/bin/env node
// The child process of an isolated replay: runs one reference program on a fresh backend in a fresh
// process (so a real heap starts clean) and writes the outcome as one JSON object on stdout.
// Usage (internal): replay-child.js --backend NAME --policy NAME --check LEVEL [--events 1] [--markers 1] FILE
import { loadRefs } from "./check.js";
import { parseCheckLevel, policyByName, resolveBackend } from "./components.js";
import { replayProgram } from "./replay.js";
import type { ReplayResult } from "./replay.js";
import { toOutcome } from "./isolated-replay.js";

async function main(args: readonly string[]): Promise<number> {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("--")) flags.set(arg.slice(2), args[++i] ?? "");
    else positional.push(arg);
  }
  const [file] = positional;
  if (file === undefined) throw new Error("replay-child: no file given");
  const backend = await resolveBackend(flags.get("backend") ?? "sim");
  const [ref] = loadRefs([file]);
  if (ref === undefined) throw new Error(`replay-child: ${file} holds no program`);
  const options = {
    backend: backend.create(),
    policy: policyByName(flags.get("policy") ?? "best-fit"),
    checkLevel: parseCheckLevel(flags.get("check") ?? "2"),
  };
  const marked = flags.get("markers") === "1" && backend.mark !== undefined;
  if (marked) backend.mark?.("osmem:replay:begin");
  const result = replayProgram(ref.program, options);
  if (marked) backend.mark?.("osmem:replay:end");
  process.stdout.write(`${JSON.stringify({ ...toOutcome(result, flags.get("events") === "1"), ...interference(result) })}\n`);
  return 0;
}

/**
 * What the rest of the process did to this run, if anything: it moved the break between two growths
 * (the heap needed a second segment), or the kernel refused to grow the break at all (something is
 * mapped right above it). Either way the trace cannot match the reference, through no fault of ours.
 */
function interference(result: ReplayResult): { interference?: string } {
  if ((result.segments ?? 1) > 1) return { interference: "someone else moved the break during the run" };
  const refused = result.calls.some((call) => call.events.some((event) => event.kind === "brk" && !event.result.ok));
  return refused ? { interference: "the kernel refused to move the break (the address space above it is in use)" } : {};
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
