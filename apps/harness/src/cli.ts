#!/usr/bin/env node
// The `osmem` command line: `check` grades reference programs, `replay` prints the trace one produces,
// `analyze` measures policies on allocation workloads.
// Parses arguments, wires components and writes to the streams; all the work happens in the library.
// Exit codes: 0 success, 1 a test or replay failed, 2 usage error (bad option, unreadable file).
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import picocolors from "picocolors";
import { checkRef, loadRefs, UsageError } from "./check.js";
import type { CheckOptions, CheckResult } from "./check.js";
import { BACKEND_NAMES, parseCheckLevel, policyByName, policyNames, resolveBackend } from "./components.js";
import { replayIsolated } from "./isolated-replay.js";
import type { ReplayOutcome } from "./isolated-replay.js";
import { formatHumanReport, formatJsonLine } from "./report.js";
import { registerAnalyzeCommand } from "./analyze-command.js";
import { describeProblems, replayProgram } from "./replay.js";

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** Fewer tests than this finish too fast to need a progress line. */
const PROGRESS_MIN_TESTS = 6;

interface ComponentFlags {
  backend: string;
  policy: string;
  check: string;
}

interface CheckFlags extends ComponentFlags {
  json?: boolean;
  strict?: boolean;
  color: boolean;
}

function readVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const version = typeof pkg === "object" && pkg !== null && "version" in pkg ? pkg.version : undefined;
  return typeof version === "string" ? version : "0.0.0";
}

/** Adds `--backend`, `--policy` and `--check` to a command. */
function withComponentOptions(command: Command): Command {
  return command
    .option("--backend <name>", `syscall backend: ${BACKEND_NAMES.join(" or ")} (native runs each program in its own process on real brk/mmap/munmap)`, "sim")
    .option("--policy <name>", `fit policy (${policyNames().join(", ")})`, "best-fit")
    .addOption(
      new Option("--check <level>", "self-checking: 0 release, 1 O(1) asserts, 2 full heap check after every call")
        .choices(["0", "1", "2"])
        .default("1"),
    );
}

async function componentsFrom(flags: ComponentFlags): Promise<CheckOptions> {
  const backend = await resolveBackend(flags.backend);
  const policy = policyByName(flags.policy);
  const checkLevel = parseCheckLevel(flags.check);
  if (!backend.isolate) return { policy, checkLevel, createBackend: () => backend.create() };
  const env = backend.childEnvironment?.(process.env) ?? process.env;
  return { policy, checkLevel, isolated: { backend: backend.name, policy: policy.name, checkLevel, env } };
}

/** A one-line progress indicator on a TTY stderr; a no-op elsewhere. */
function progressLine(total: number): { update(index: number, name: string): void; clear(): void } {
  const isShown = process.stderr.isTTY === true && total >= PROGRESS_MIN_TESTS;
  const width = String(total).length;
  return {
    update(index, name) {
      if (isShown) process.stderr.write(`\r\u001b[K[${String(index + 1).padStart(width)}/${total}] ${name}`);
    },
    clear() {
      if (isShown) process.stderr.write("\r\u001b[K");
    },
  };
}

async function runCheck(paths: string[], flags: CheckFlags): Promise<number> {
  const options = { ...(await componentsFrom(flags)), strict: flags.strict === true };
  const refs = loadRefs(paths);
  const progress = progressLine(refs.length);
  const results: CheckResult[] = [];
  for (const [index, ref] of refs.entries()) {
    progress.update(index, ref.program.name);
    const result = checkRef(ref, options);
    results.push(result);
    if (flags.json === true) process.stdout.write(`${formatJsonLine(result)}\n`);
  }
  progress.clear();
  if (flags.json !== true) {
    const colors = picocolors.createColors(flags.color && picocolors.isColorSupported);
    process.stdout.write(formatHumanReport(results, colors));
  }
  return results.every((result) => result.passed) ? EXIT_OK : EXIT_FAILED;
}

async function runReplay(file: string, flags: ComponentFlags): Promise<number> {
  const { createBackend, isolated, policy, checkLevel } = await componentsFrom(flags);
  const [ref] = loadRefs([file]);
  if (ref === undefined) throw new UsageError(`${file} holds no reference trace`);
  const result: ReplayOutcome =
    isolated !== undefined
      ? replayIsolated(ref.path, isolated)
      : replayProgram(ref.program, { ...(createBackend === undefined ? {} : { backend: createBackend() }), policy, checkLevel });
  process.stdout.write(result.text);
  for (const line of describeProblems(result)) process.stderr.write(`osmem: ${line}\n`);
  for (const leak of result.leaks) {
    process.stderr.write(`osmem: note: leaked ${leak.addr} (${leak.sizeBytes} bytes, ${leak.status})\n`);
  }
  return result.failure === undefined && result.violations.length === 0 ? EXIT_OK : EXIT_FAILED;
}

const CHECK_EXAMPLES = `
Examples:
  $ osmem check                          run the 40 bundled references (Total: 90/90 when all pass)
  $ osmem check --check 2 --strict       full heap checks after every call; leaks fail a test
  $ osmem check refs/test-all.ref        one program
  $ osmem check --json my-refs/ | jq -c 'select(.passed | not) | .name'

Exit status: 0 all passed, 1 some failed, 2 usage error.`;

const REPLAY_EXAMPLES = `
Examples:
  $ osmem replay refs/test-all.ref
  $ osmem replay refs/test-all.ref | diff - refs/test-all.ref    empty when the allocator conforms

Exit status: 0 the program ran cleanly, 1 the replay hit an error, 2 usage error.`;

/** Builds the `osmem` program; `setExitCode` receives each action's exit code. */
function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("osmem")
    .description("Check the osmem allocator against reference syscall traces, and analyse allocation workloads.")
    .version(readVersion(), "-V, --version")
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", "\nRun `osmem <command> --help` for a command's options and examples.");

  withComponentOptions(
    program.command("check").description("replay reference programs and compare their traces byte for byte"),
  )
    .argument("[paths...]", ".ref files or directories (default: the bundled references)")
    .option("--json", "print one JSON object per test per line (NDJSON)")
    .option("--strict", "a test that leaks blocks fails")
    .option("--no-color", "never color the output (NO_COLOR and non-TTY output also turn colors off)")
    .addHelpText("after", CHECK_EXAMPLES)
    .action(async (paths: string[], flags: CheckFlags) => setExitCode(await runCheck(paths, flags)));

  withComponentOptions(
    program.command("replay").description("print the trace this allocator produces for a reference program"),
  )
    .argument("<file>", "a .ref file")
    .addHelpText("after", REPLAY_EXAMPLES)
    .action(async (file: string, flags: ComponentFlags) => setExitCode(await runReplay(file, flags)));

  registerAnalyzeCommand(program, { setExitCode });
  return program;
}

/** Runs the CLI on `argv` (as in `process.argv`) and returns the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_OK;
  try {
    await buildProgram((code) => {
      exitCode = code;
    }).parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (error instanceof UsageError) {
      process.stderr.write(`osmem: ${error.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`osmem: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILED;
  }
}

// A closed pipe (`osmem analyze --json | head`) ends the output, not the program with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? EXIT_OK);
  throw error;
});

process.exitCode = await main(process.argv);
