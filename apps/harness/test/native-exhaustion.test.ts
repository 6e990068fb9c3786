// The allocator on real memory that runs out, in a child process: its break (a private 1 MiB
// reservation) runs out, then RLIMIT_DATA is lowered for one big request so that its mmap fails.
// malloc must return NULL with ENOMEM both times, the heap checker must stay clean, and the heap must
// work again afterwards. A child, because the limit is process-wide and would starve vitest itself.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nativeUnavailable, titled } from "./native-availability.js";


/** The child script lives under this package's node_modules, so its bare imports resolve as ours do. */
const SCRATCH_PARENT = fileURLToPath(new URL("../node_modules/.cache/", import.meta.url));

const childScript = (): string => `
import { readFileSync } from "node:fs";
import { createNativeBackend, getDataLimit, setDataLimit } from "@osmem/backend-native";
import { checkHeap, createHeap } from "@osmem/core";
import { bestFit } from "@osmem/policies";
const MiB = 1024 * 1024;
const vmDataBytes = () => Number(/VmData:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
// A private break of 1 MiB: the heap runs out of break long before the process runs out of memory.
const heap = createHeap({ backend: createNativeBackend({ breakMode: "reserved", reserveBytes: MiB }), policy: bestFit, checkLevel: 2 });
const small = heap.malloc(1000);
let grown = 0;
while (grown < 100 && heap.malloc(100 * 1024) !== 0) grown += 1;
const brkErrno = heap.errno;
const afterBrkFailure = heap.malloc(64);
// RLIMIT_DATA lowered for one call only (V8 needs memory too): the big request's mmap must fail.
const original = getDataLimit();
setDataLimit(vmDataBytes() + 16 * MiB);
const mapped = heap.malloc(64 * MiB);
setDataLimit(original.softBytes);
const mappedErrno = heap.errno;
const problemsAfterFailures = checkHeap(heap).length;
const mappedAfter = heap.malloc(64 * MiB);
heap.free(mappedAfter);
heap.free(small);
console.log(JSON.stringify({ grown, brkErrno, afterBrkFailure, mapped, mappedErrno, problemsAfterFailures,
  mappedAfter, failures: heap.stats().failures, problemsAtEnd: checkHeap(heap).length }));
`;

describe.runIf(nativeUnavailable === undefined)(titled("malloc on exhausted real memory", nativeUnavailable), () => {
  it("returns NULL with ENOMEM, keeps the heap valid, and recovers", () => {
    mkdirSync(SCRATCH_PARENT, { recursive: true });
    const dir = mkdtempSync(join(SCRATCH_PARENT, "osmem-exhaust-"));
    const script = join(dir, "exhaust.mjs");
    writeFileSync(script, childScript());
    const child = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as Record<string, unknown>;
    expect(report["grown"]).toBeGreaterThan(3);
    expect(report["grown"]).toBeLessThanOrEqual(10); // 1 MiB of break holds at most ten 100 KiB blocks
    expect(report["brkErrno"]).toBe("ENOMEM");
    expect(report["afterBrkFailure"]).not.toBe(0);
    expect(report["mapped"]).toBe(0);
    expect(report["mappedErrno"]).toBe("ENOMEM");
    expect(report["problemsAfterFailures"]).toBe(0);
    expect(report["mappedAfter"]).not.toBe(0);
    expect(report["failures"]).toBe(2);
    expect(report["problemsAtEnd"]).toBe(0);
  });
});
