// A program the explorer can run: a list of allocator calls whose pointer arguments name the earlier
// call that produced them. Three sources become this one shape: the reference programs (`.ref`), the
// malloclab workloads (`.rep`) and the little language typed into the editor (`p = malloc 100`).
import { parseRef, parseRep, resolveArgs, RepOpKind, type RepTrace } from "@osmem/harness/browser";

/** The allocator call of an op. */
export type OpKind = "malloc" | "calloc" | "realloc" | "free";

/** One allocator call. */
export interface ProgramOp {
  readonly kind: OpKind;
  /** The size arguments: malloc `[n]`, calloc `[count, size]`, realloc `[n]`, free `[]`. */
  readonly sizes: readonly number[];
  /** realloc and free: the index of the op whose result is the pointer argument; -1 passes NULL. */
  readonly ptrFrom: number;
  /** The op as its source writes it (`os_malloc(100)`, `a 3 100`, `p = malloc 100`). */
  readonly text: string;
}

/** Where a program came from; enough to load it again (the shareable link stores it). */
export type ProgramSource =
  | { readonly kind: "ref"; readonly name: string }
  | { readonly kind: "rep"; readonly name: string }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "file"; readonly name: string; readonly text: string };

/** A runnable program. */
export interface Program {
  readonly name: string;
  readonly source: ProgramSource;
  readonly ops: readonly ProgramOp[];
}

/** A program text that cannot be read; `line` is 1-based. */
export class ProgramParseError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "ProgramParseError";
    this.line = line;
  }
}

/** Reads a reference program (`.ref`); its pointer texts are resolved to the calls that returned them. */
export function programFromRef(text: string, name: string, source: ProgramSource = { kind: "ref", name }): Program {
  const ref = parseRef(text, name);
  const resolved = resolveArgs(ref);
  const ops = ref.ops.map((op, i): ProgramOp => {
    const args = resolved[i] ?? [];
    const sizes: number[] = [];
    let ptrFrom = -1;
    for (const arg of args) {
      if (arg.kind === "size") sizes.push(arg.value);
      else if (arg.kind === "result-of") ptrFrom = arg.opIndex;
    }
    return { kind: op.kind, sizes, ptrFrom, text: `os_${op.kind}(${op.args.join(", ")})` };
  });
  return { name, source, ops };
}

/** Turns a parsed malloclab workload into a program: `f id` frees what the latest `a`/`r` of `id` returned. */
export function programFromTrace(trace: RepTrace, source: ProgramSource = { kind: "rep", name: trace.name }): Program {
  const latest = new Map<number, number>();
  const ops: ProgramOp[] = [];
  for (let i = 0; i < trace.opCount; i += 1) {
    const id = trace.ids[i] ?? -1;
    const size = trace.sizes[i] ?? 0;
    switch (trace.kinds[i]) {
      case RepOpKind.Alloc:
        ops.push({ kind: "malloc", sizes: [size], ptrFrom: -1, text: `a ${id} ${size}` });
        latest.set(id, i);
        break;
      case RepOpKind.Realloc:
        ops.push({ kind: "realloc", sizes: [size], ptrFrom: latest.get(id) ?? -1, text: `r ${id} ${size}` });
        latest.set(id, i);
        break;
      default:
        ops.push({ kind: "free", sizes: [], ptrFrom: id < 0 ? -1 : (latest.get(id) ?? -1), text: `f ${id}` });
        latest.delete(id);
    }
  }
  return { name: trace.name, source, ops };
}

/** Reads a `.rep` workload's text. @throws RepParseError naming the bad line. */
export const programFromRep = (text: string, name: string, source?: ProgramSource): Program =>
  programFromTrace(parseRep(text, `${name}.rep`), source);

const SIZE_ARITY: Readonly<Record<OpKind, number>> = { malloc: 1, calloc: 2, realloc: 1, free: 0 };
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads the editor's language, one call per line; `#` or `//` start a comment.
 *
 * ```text
 * p = malloc 100          # or: p = malloc(100)
 * q = calloc 10 20
 * p = realloc p 300       # realloc NULL 300 works too
 * free p
 * ```
 * @throws ProgramParseError for an unknown call, a wrong argument count, a bad size or an unknown name.
 */
export function programFromText(text: string, name = "editor"): Program {
  const vars = new Map<string, number>();
  const ops: ProgramOp[] = [];
  text.split(/\r?\n/).forEach((rawLine, n) => {
    const line = rawLine.replace(/(#|\/\/).*$/, "").trim();
    if (line === "") return;
    const fail = (message: string): never => {
      throw new ProgramParseError(n + 1, message);
    };
    const assignment = /^([^=]+)=(.*)$/.exec(line);
    const target = assignment?.[1]?.trim();
    if (target !== undefined && !NAME.test(target)) fail(`'${target}' is not a name`);
    const words = (assignment?.[2] ?? line).replace(/[(),]/g, " ").trim().split(/\s+/);
    const kind = words[0] as OpKind;
    if (!(kind in SIZE_ARITY)) fail(`unknown call '${words[0] ?? ""}' (malloc, calloc, realloc, free)`);
    if (kind === "free" && target !== undefined) fail("free returns nothing to assign");
    const takesPointer = kind === "realloc" || kind === "free";
    const args = words.slice(1);
    const expected = SIZE_ARITY[kind] + (takesPointer ? 1 : 0);
    if (args.length !== expected) fail(`${kind} takes ${expected} argument(s), got ${args.length}`);
    let ptrFrom = -1;
    if (takesPointer) {
      const pointer = args.shift() ?? "";
      if (pointer !== "NULL" && pointer !== "0") {
        const from = vars.get(pointer);
        if (from === undefined) fail(`'${pointer}' was never assigned`);
        ptrFrom = from ?? -1;
      }
    }
    const sizes = args.map((word) => {
      const value = Number(word);
      if (!/^\d+$/.test(word) || !Number.isSafeInteger(value)) fail(`'${word}' is not a size`);
      return value;
    });
    if (target !== undefined) vars.set(target, ops.length);
    ops.push({ kind, sizes, ptrFrom, text: line });
  });
  return { name, source: { kind: "text", text }, ops };
}

/**
 * Reads a file the user dropped or picked: `.ref` as a reference program, `.rep` as a workload,
 * anything else as the editor's language.
 * @throws RefParseError, RepParseError or ProgramParseError naming the bad line.
 */
export function programFromFile(name: string, text: string): Program {
  const source: ProgramSource = { kind: "file", name, text };
  const base = name.replace(/\.(ref|rep)$/i, "");
  if (/\.ref$/i.test(name)) return programFromRef(text, base, source);
  if (/\.rep$/i.test(name)) return programFromRep(text, base, source);
  return { ...programFromText(text, name), source };
}
