// The CMU malloclab workload format (`.rep`): a header of integer lines, then one request per line
// (`a id size`, `f id`, `r id size`). Parses into compact typed arrays so a replay touches no strings.
// Accepts what real files contain: CRLF endings, blank lines, `f -1` (free(NULL)) and sizeless `a`/`r`
// lines (alaska.rep: "the same size as the previous request"). Anything else fails with file:line.

/** Op codes stored in {@link RepTrace.kinds}. */
export const RepOpKind = Object.freeze({ Alloc: 0, Free: 1, Realloc: 2 } as const);
/** One of the {@link RepOpKind} values. */
export type RepOpKind = (typeof RepOpKind)[keyof typeof RepOpKind];

/** Ids above this are rejected: replays index arrays by id, and real traces use dense small ids. */
export const MAX_REP_ID = 16_777_215;

/** The header lines of a trace. Fields are named only when the header has the 4-line (or 2-line) shape. */
export interface RepHeader {
  /** Every header integer, in order. */
  readonly numbers: readonly number[];
  /** 4-line header, line 1: the heap size the original driver suggested (often a flag in practice). */
  readonly suggestedHeapBytes?: number;
  /** How many distinct ids the trace claims to use (4-line: line 2; 2-line: line 1). */
  readonly idCount?: number;
  /** How many ops the trace claims to hold (4-line: line 3; 2-line: line 2). Not enforced. */
  readonly opCount?: number;
  /** 4-line header, line 4: whether the trace counts in the driver's score. */
  readonly weight?: number;
}

/** A parsed trace: op `i` is `kinds[i]` on `ids[i]` with `sizes[i]` bytes, read from line `lines[i]`. */
export interface RepTrace {
  /** The file name without `.rep`. */
  readonly name: string;
  readonly header: RepHeader;
  /** Number of ops. */
  readonly opCount: number;
  readonly kinds: Uint8Array;
  /** The id of each op; -1 only for `f -1` (free(NULL)). */
  readonly ids: Int32Array;
  /** Requested bytes of `a`/`r` ops; 0 for `f`. */
  readonly sizes: Float64Array;
  /** 1-based source line of each op, for messages. */
  readonly lines: Int32Array;
  /** One more than the largest id used (0 for an empty trace): the length of per-id arrays. */
  readonly idLimit: number;
  /** The largest requested size, in bytes. */
  readonly maxSizeBytes: number;
}

/** A malformed trace line. `file` and `line` (1-based) say where; the message says what is wrong. */
export class RepParseError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = "RepParseError";
    this.file = file;
    this.line = line;
  }
}

const INTEGER_LINE = /^\s*\d+\s*$/;
const WHITESPACE = /\s+/;

/** Parses a non-negative safe integer token, or returns -1. */
function parseCount(token: string): number {
  if (!/^\d+$/.test(token)) return -1;
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : -1;
}

function describeHeader(numbers: number[]): RepHeader {
  const [first, second, third, fourth] = numbers;
  if (numbers.length >= 4) return { numbers, suggestedHeapBytes: first, idCount: second, opCount: third, weight: fourth };
  if (numbers.length === 2) return { numbers, idCount: first, opCount: second };
  return { numbers };
}

/**
 * Parses the text of a `.rep` file. `file` names it in errors (a path or a name).
 * The header is every leading line that holds just an integer (blank lines skipped); ops follow.
 * A sizeless `a`/`r` takes the size of the previous `a`/`r`, as the original driver's `fscanf` did.
 * @throws RepParseError for an unknown op, a bad id or size, extra fields, or a sizeless first request.
 */
export function parseRep(text: string, file: string): RepTrace {
  const rawLines = text.split("\n");
  const capacity = rawLines.length;
  const kinds = new Uint8Array(capacity);
  const ids = new Int32Array(capacity);
  const sizes = new Float64Array(capacity);
  const lines = new Int32Array(capacity);
  const numbers: number[] = [];
  let inHeader = true;
  let count = 0;
  let idLimit = 0;
  let maxSizeBytes = 0;
  let previousSize = -1;
  for (let index = 0; index < rawLines.length; index += 1) {
    const line = rawLines[index] ?? "";
    const lineNumber = index + 1;
    const trimmed = line.trim();
    if (trimmed === "") continue;
    if (inHeader && INTEGER_LINE.test(trimmed)) {
      numbers.push(Number(trimmed));
      continue;
    }
    inHeader = false;
    const fail = (reason: string): never => {
      throw new RepParseError(file, lineNumber, `${reason}: "${trimmed.slice(0, 60)}"`);
    };
    const tokens = trimmed.split(WHITESPACE);
    const op = tokens[0];
    const kind = op === "a" ? RepOpKind.Alloc : op === "f" ? RepOpKind.Free : op === "r" ? RepOpKind.Realloc : fail("unknown op (expected a, f or r)");
    const idText = tokens[1];
    if (idText === undefined) fail("missing id");
    const isFreeNull = kind === RepOpKind.Free && idText === "-1";
    const id = isFreeNull ? -1 : parseCount(idText ?? "");
    if ((id < 0 && !isFreeNull) || id > MAX_REP_ID) fail(`bad id (a non-negative integer up to ${MAX_REP_ID}, or -1 for f)`);
    let size = 0;
    if (kind === RepOpKind.Free) {
      if (tokens.length > 2) fail("extra fields after f id");
    } else {
      if (tokens.length > 3) fail("extra fields after the size");
      const sizeText = tokens[2];
      if (sizeText === undefined) {
        if (previousSize < 0) fail("missing size and no earlier request to take it from");
        size = previousSize;
      } else {
        size = parseCount(sizeText);
        if (size < 0) fail("bad size (a non-negative integer)");
      }
      previousSize = size;
      if (size > maxSizeBytes) maxSizeBytes = size;
    }
    kinds[count] = kind;
    ids[count] = id;
    sizes[count] = size;
    lines[count] = lineNumber;
    count += 1;
    if (id >= idLimit) idLimit = id + 1;
  }
  return {
    name: traceName(file),
    header: describeHeader(numbers),
    opCount: count,
    kinds: kinds.slice(0, count),
    ids: ids.slice(0, count),
    sizes: sizes.slice(0, count),
    lines: lines.slice(0, count),
    idLimit,
    maxSizeBytes,
  };
}

/** The name of a trace file: its last path component (either slash) without `.rep`. */
export const traceName = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.rep$/, "");
