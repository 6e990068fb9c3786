// The reference trace format: parses `.ref` files into programs and prints traces in the same text.
// A line is `CALL (['ARG', ...])` left-justified in 90 columns, then `= RESULT` (Python's
// `f"{call:<90}= {result}"`); syscalls are indented two spaces under the call they happened in.
// Printing is byte-exact: parse -> format of a reference gives back the same bytes. Knows nothing
// about heaps; turning numbers into names is address-names.ts's job.
import type { Addr, SyscallEvent } from "@osmem/syscalls";
import { AddressNamer, formatSyscallLine } from "./address-names.js";

/** The width of the call column; `= RESULT` starts right after it (column 91). */
export const CALL_COLUMN_WIDTH = 90;
/** The last line of a trace whose program ran to the end. */
export const EXIT_LINE = "+++ exited (status 0) +++";
/** The result text of `os_free`. */
export const VOID_RESULT = "<void>";
/** The result text of a call during which the program died (as strace prints `= ?`). */
export const UNFINISHED_RESULT = "?";

/** The four allocator entry points a reference program calls. */
export type OpKind = "malloc" | "calloc" | "realloc" | "free";

/** Which arguments of each call are pointers (the others are sizes in decimal). */
const ARG_KINDS: Readonly<Record<OpKind, readonly ("ptr" | "size")[]>> = {
  malloc: ["size"],
  calloc: ["size", "size"],
  realloc: ["ptr", "size"],
  free: ["ptr"],
};

/** One line of a trace as text: a call, its arguments and its result, nested `depth` levels deep. */
export interface TraceLine {
  /** 0 for allocator calls, 1 for the syscalls made inside one. */
  readonly depth: number;
  /** The function name as printed (`os_malloc`, `brk`, ...). */
  readonly name: string;
  readonly args: readonly string[];
  readonly result: string;
}

/** One allocator call of a reference program, with what the reference says happened. */
export interface RefOp {
  /** 0-based position among the program's calls. */
  readonly index: number;
  /** 1-based line number in the `.ref` file. */
  readonly lineNumber: number;
  readonly kind: OpKind;
  /** The argument texts as written (`'HeapStart + 0x20'`, `'2000'`, without quotes). */
  readonly args: readonly string[];
  /** The expected result text (`HeapStart + 0x20`, `0`, `<void>`). */
  readonly expected: string;
  /** The syscall lines the reference shows under this call. */
  readonly syscalls: readonly TraceLine[];
}

/** A parsed `.ref` file. */
export interface RefProgram {
  readonly name: string;
  readonly ops: readonly RefOp[];
  /** The final `+++ ... +++` line, without its newline. */
  readonly exitLine: string;
}

/** A `.ref` text that is not in the reference format. */
export class RefParseError extends Error {
  readonly lineNumber: number;
  constructor(source: string, lineNumber: number, why: string) {
    super(`${source}:${lineNumber}: ${why}`);
    this.name = "RefParseError";
    this.lineNumber = lineNumber;
  }
}

/** One allocator call as the harness made it: numeric arguments, result, and the syscalls it caused. */
export interface TraceCall {
  readonly kind: OpKind;
  /** Pointers as addresses (NULL = 0) and sizes in bytes, in the order of {@link OpKind}'s C signature. */
  readonly args: readonly number[];
  /** The returned address; `undefined` for `free`, and for a call the program died in. */
  readonly result: Addr | undefined;
  readonly events: readonly SyscallEvent[];
}

/** How a produced trace ends: normally, or killed by a signal inside its last call. */
export type TraceEnding = { readonly kind: "exited" } | { readonly kind: "killed"; readonly signal: string };

// --- Python list repr ---

/** Prints strings the way Python's `repr(list_of_str)` does (`['a', 'b']`). */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map(pythonStrRepr).join(", ")}]`;
}

function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

/** Parses a Python list of string literals; returns null when `text` is not one. */
export function parsePythonList(text: string): string[] | null {
  const items: string[] = [];
  let pos = 1;
  if (text[0] !== "[" || text[text.length - 1] !== "]") return null;
  const end = text.length - 1;
  if (pos === end) return items;
  for (;;) {
    const quote = text[pos];
    if (quote !== "'" && quote !== '"') return null;
    let item = "";
    pos += 1;
    while (pos < end && text[pos] !== quote) {
      if (text[pos] === "\\") {
        const escape = text[pos + 1];
        item += escape === "n" ? "\n" : escape === "t" ? "\t" : (escape ?? "");
        pos += 2;
      } else {
        item += text[pos];
        pos += 1;
      }
    }
    if (pos >= end) return null;
    items.push(item);
    pos += 1;
    if (pos === end) return items;
    if (text.slice(pos, pos + 2) !== ", ") return null;
    pos += 2;
  }
}

// --- lines ---

/** Prints one trace line exactly as the references do (no newline). */
export function formatTraceLine(line: TraceLine): string {
  const call = `${"  ".repeat(line.depth)}${line.name} (${pythonListRepr(line.args)})`;
  return `${call.padEnd(CALL_COLUMN_WIDTH)}= ${line.result}`;
}

const LINE_PATTERN = /^(?<indent>(?: {2})*)(?<name>[A-Za-z_][A-Za-z0-9_]*) \((?<args>\[.*\])\) *= (?<result>.*)$/;

/** Parses one call line; null when it is not one, or not in the canonical spacing. */
export function parseTraceLine(text: string): TraceLine | null {
  const groups = LINE_PATTERN.exec(text)?.groups;
  if (groups === undefined) return null;
  const args = parsePythonList(groups.args ?? "");
  if (args === null) return null;
  const line: TraceLine = {
    depth: (groups.indent ?? "").length / 2,
    name: groups.name ?? "",
    args,
    result: groups.result ?? "",
  };
  return formatTraceLine(line) === text ? line : null;
}

const OP_BY_NAME: Readonly<Record<string, OpKind>> = {
  os_malloc: "malloc",
  os_calloc: "calloc",
  os_realloc: "realloc",
  os_free: "free",
};

// --- programs ---

/**
 * Parses a `.ref` file into a program.
 * @param text the whole file; it must end with a newline after the `+++` line.
 * @param name the program's name (usually the file name without `.ref`), used in messages.
 * @throws RefParseError naming the first line that is not in the reference format.
 */
export function parseRef(text: string, name: string): RefProgram {
  const lines = text.split("\n");
  if (lines.pop() !== "") throw new RefParseError(name, lines.length + 1, "the file must end with a newline");
  const ops: RefOp[] = [];
  let syscalls: TraceLine[] = [];
  for (const [i, lineText] of lines.entries()) {
    const lineNumber = i + 1;
    if (lineText.startsWith("+++")) {
      if (lineNumber !== lines.length) throw new RefParseError(name, lineNumber, "the `+++` line must be the last line");
      return { name, ops, exitLine: lineText };
    }
    const line = parseTraceLine(lineText);
    if (line === null) throw new RefParseError(name, lineNumber, `not a trace line: ${JSON.stringify(lineText)}`);
    if (line.depth === 1) {
      if (ops.length === 0) throw new RefParseError(name, lineNumber, "a syscall line before the first call");
      syscalls.push(line);
      continue;
    }
    const kind = line.depth === 0 ? OP_BY_NAME[line.name] : undefined;
    if (kind === undefined) throw new RefParseError(name, lineNumber, `unknown call ${JSON.stringify(line.name)}`);
    const argKinds = ARG_KINDS[kind];
    if (line.args.length !== argKinds.length) {
      throw new RefParseError(name, lineNumber, `${line.name} takes ${argKinds.length} argument(s)`);
    }
    argKinds.forEach((argKind, n) => {
      if (argKind === "size" && !/^(0|[1-9][0-9]*)$/.test(line.args[n] ?? "")) {
        throw new RefParseError(name, lineNumber, `argument ${n + 1} of ${line.name} is not a decimal size`);
      }
    });
    syscalls = [];
    ops.push({ index: ops.length, lineNumber, kind, args: line.args, expected: line.result, syscalls });
  }
  throw new RefParseError(name, lines.length, "missing the final `+++ exited (status 0) +++` line");
}

/** Prints a parsed program back as the reference text it came from (the expected trace). */
export function formatRefProgram(program: RefProgram): string {
  const out: string[] = [];
  for (const op of program.ops) {
    out.push(formatTraceLine({ depth: 0, name: `os_${op.kind}`, args: op.args, result: op.expected }));
    for (const syscall of op.syscalls) out.push(formatTraceLine(syscall));
  }
  out.push(program.exitLine);
  return `${out.join("\n")}\n`;
}

/** True when argument `n` of `kind` is a pointer. */
export const isPointerArg = (kind: OpKind, n: number): boolean => ARG_KINDS[kind][n] === "ptr";

/**
 * Prints a produced trace in the reference format. Heap addresses are named relative to the result of
 * the first `brk(0)`, mappings by the order of the mmap calls that created them; see {@link AddressNamer}.
 * A killed program ends with strace's `+++ killed by SIGNAL +++` and its last call has the result `?`.
 */
export function formatTrace(calls: readonly TraceCall[], ending: TraceEnding = { kind: "exited" }): string {
  const namer = new AddressNamer();
  const out: string[] = [];
  for (const call of calls) {
    const args = call.args.map((value, n) => (isPointerArg(call.kind, n) ? namer.name(value) : String(value)));
    const syscallLines = call.events.map((event) => formatTraceLine(formatSyscallLine(namer, event)));
    const result =
      call.kind === "free" && call.result === undefined
        ? VOID_RESULT
        : call.result === undefined
          ? UNFINISHED_RESULT
          : namer.name(call.result);
    const isUnfinished = ending.kind === "killed" && call === calls[calls.length - 1];
    out.push(formatTraceLine({ depth: 0, name: `os_${call.kind}`, args, result: isUnfinished ? UNFINISHED_RESULT : result }));
    out.push(...syscallLines);
  }
  out.push(ending.kind === "exited" ? EXIT_LINE : `+++ killed by ${ending.signal} +++`);
  return `${out.join("\n")}\n`;
}
