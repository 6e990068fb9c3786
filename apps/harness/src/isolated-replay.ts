// Runs a replay in a fresh child process and brings its outcome back. Used for backends whose memory
// is the real process's: every reference program must start from a clean heap, and a crash (a real
// segmentation fault) must fail one test, not the whole run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SyscallEvent } from "@osmem/syscalls";
import type { Leak, ReplayFailure, ReplayResult, Violation } from "./replay.js";

/** What a replay found, without the program: what crosses the process boundary. */
export type ReplayOutcome = Pick<ReplayResult, "text" | "violations" | "leaks" | "failure" | "segments"> & {
  /** Every syscall the backend reported, in order (only when asked for with `withEvents`). */
  readonly events?: readonly SyscallEvent[];
  /** Set when the rest of the child process disturbed the run (see replay-child.ts): a retry may pass. */
  readonly interference?: string;
};

/** The child entry point: built next to this file, or in dist/ when this file runs from source (tests). */
const CHILD_SCRIPT = [new URL("./replay-child.js", import.meta.url), new URL("../dist/replay-child.js", import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path)) ?? fileURLToPath(new URL("./replay-child.js", import.meta.url));

/** Strips a replay result down to its outcome; `withEvents` keeps every syscall event too. */
export function toOutcome(result: ReplayResult, withEvents = false): ReplayOutcome {
  const { text, violations, leaks, failure, segments } = result;
  const base = segments === undefined ? { text, violations, leaks } : { text, violations, leaks, segments };
  const outcome: ReplayOutcome = failure === undefined ? base : { ...base, failure };
  return withEvents ? { ...outcome, events: result.calls.flatMap((call) => call.events) } : outcome;
}

/** The components an isolated replay runs with, by their CLI names. */
export interface IsolatedReplayOptions {
  readonly backend: string;
  readonly policy: string;
  readonly checkLevel: number;
  /** Milliseconds before the child is killed; default 60 s. */
  readonly timeoutMs?: number;
  /** The child's environment; default this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Bring back every syscall event (`ReplayOutcome.events`). */
  readonly withEvents?: boolean;
  /** Have the child mark the replay's start and end in an strace log (`osmem:replay:begin`/`end`). */
  readonly traceMarkers?: boolean;
  /** Runs the child under this command (e.g. `["strace", "-f", "-o", "log"]`); default none. */
  readonly wrapper?: readonly string[];
}

/**
 * Replays the program in `refPath` in a child process. A child that dies (a signal, a timeout, output
 * that is not a result) gives a failed outcome describing what happened; this never throws.
 */
export function replayIsolated(refPath: string, options: IsolatedReplayOptions): ReplayOutcome {
  const args = [CHILD_SCRIPT, "--backend", options.backend, "--policy", options.policy, "--check", String(options.checkLevel)];
  if (options.withEvents === true) args.push("--events", "1");
  if (options.traceMarkers === true) args.push("--markers", "1");
  const [command = process.execPath, ...prefix] = options.wrapper === undefined ? [process.execPath] : [...options.wrapper, process.execPath];
  const child = spawnSync(command, [...prefix, ...args, refPath], {
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: options.env ?? process.env,
  });
  const lastLine = child.stdout?.trimEnd().split("\n").at(-1) ?? "";
  if (child.status === 0 && lastLine.startsWith("{")) {
    const parsed = parseOutcome(lastLine);
    if (parsed !== undefined) return parsed;
  }
  const how = child.error !== undefined ? child.error.message : child.signal !== null ? `killed by ${child.signal}` : `exited with status ${child.status}`;
  const stderr = (child.stderr ?? "").trim().split("\n").slice(-3).join(" | ");
  const failure: ReplayFailure = {
    opIndex: -1,
    lineNumber: 0,
    call: "child process",
    errorName: "ChildProcessError",
    message: `the replay process ${how}${stderr === "" ? "" : `: ${stderr}`}`,
    signal: child.signal === "SIGSEGV" ? "SIGSEGV" : "SIGABRT",
  };
  return { text: child.stdout ?? "", violations: [], leaks: [], failure };
}

function parseOutcome(line: string): ReplayOutcome | undefined {
  const value: unknown = JSON.parse(line);
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record["text"] !== "string" || !Array.isArray(record["violations"]) || !Array.isArray(record["leaks"])) return undefined;
  const outcome = {
    text: record["text"],
    violations: record["violations"] as Violation[],
    leaks: record["leaks"] as Leak[],
    ...(typeof record["segments"] === "number" ? { segments: record["segments"] } : {}),
    ...(typeof record["interference"] === "string" ? { interference: record["interference"] } : {}),
  };
  const events = Array.isArray(record["events"]) ? { events: record["events"] as SyscallEvent[] } : {};
  return record["failure"] === undefined ? { ...outcome, ...events } : { ...outcome, ...events, failure: record["failure"] as ReplayFailure };
}
