// Reading a `.rep` workload from disk. Kept apart from rep-format.ts so the parser has no Node imports
// and runs in a browser too (the explorer bundles it).
import { readFileSync } from "node:fs";
import { parseRep, type RepTrace } from "./rep-format.js";

/**
 * Reads and parses the `.rep` file at `path`.
 * @throws RepParseError for a malformed line; the fs error when the file cannot be read.
 */
export function loadRep(path: string): RepTrace {
  return parseRep(readFileSync(path, "latin1"), path);
}
