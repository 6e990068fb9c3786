// Resolves the argument texts of a reference program before it runs: sizes become numbers, and a
// pointer text names the most recent earlier call whose EXPECTED result printed the same text, so a
// replay passes that call's ACTUAL result. Pure: reads the program only, so bad programs fail early.
import { isPointerArg, RefParseError } from "./ref-format.js";
import type { RefProgram } from "./ref-format.js";

/** An argument of a call, resolved: a size, NULL, or "whatever op #opIndex actually returned". */
export type ResolvedArg =
  | { readonly kind: "size"; readonly value: number }
  | { readonly kind: "null" }
  | { readonly kind: "result-of"; readonly opIndex: number };

/**
 * Resolves every argument of every call of `program`, indexed like `program.ops[i].args[n]`.
 * The pointer text `0` is NULL; any other pointer text must be the expected result of an earlier
 * `malloc`/`calloc`/`realloc` (the latest one wins, as addresses get reused).
 * @throws RefParseError when a pointer text names no earlier result or a size is not a safe integer.
 */
export function resolveArgs(program: RefProgram): ResolvedArg[][] {
  const latestByResult = new Map<string, number>();
  return program.ops.map((op) => {
    const resolved = op.args.map((text, n): ResolvedArg => {
      if (!isPointerArg(op.kind, n)) {
        const value = Number(text);
        if (!Number.isSafeInteger(value)) throw new RefParseError(program.name, op.lineNumber, `size ${text} is too large`);
        return { kind: "size", value };
      }
      if (text === "0") return { kind: "null" };
      const opIndex = latestByResult.get(text);
      if (opIndex === undefined) {
        throw new RefParseError(program.name, op.lineNumber, `pointer '${text}' is not the result of an earlier call`);
      }
      return { kind: "result-of", opIndex };
    });
    if (op.kind !== "free") latestByResult.set(op.expected, op.index);
    return resolved;
  });
}
