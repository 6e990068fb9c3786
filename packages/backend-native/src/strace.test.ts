// What the kernel really sees, checked with strace on a child's main thread (skipped, visibly, where
// strace is missing): brk(0) is a real brk syscall, growth is one brk, a refused munmap never reaches the
// kernel, the reserved mode shows mprotect instead of brk, and the trace markers frame it all.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { describeNative } from "./internal/describe-native.js";

const DIST_ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const hasStrace = spawnSync("strace", ["-V"], { encoding: "utf8" }).status === 0;

const childScript = `
import { createNativeBackend, traceMarker } from ${JSON.stringify(pathToFileURL(DIST_ENTRY).href)};
const processHeap = createNativeBackend();
const reserved = createNativeBackend({ breakMode: "reserved", reserveBytes: 1 << 20 });
traceMarker("osmem:begin");
const start = processHeap.brk(0).value;
const grew = processHeap.brk(start + 0x20000).ok;
const mapped = processHeap.mmap(100).value;
processHeap.munmap(0x10000, 4096);
processHeap.munmap(mapped, 100);
const reservedStart = reserved.brk(0).value;
reserved.brk(reservedStart + 5000);
traceMarker("osmem:end");
console.log(JSON.stringify({ grew, start, mapped, reservedStart }));
`;

const hex = (value: number): string => `0x${value.toString(16)}`;

describeNative("syscalls as strace sees them", () => {
  describe.runIf(hasStrace)("under strace", () => {
    it("makes exactly the expected calls between the markers", () => {
      // About one Node process in a hundred starts with memory mapped right at its break, which then
      // cannot grow (see isProcessBreakMovable); a new child gets a new layout.
      let run = runTraced();
      for (let attempt = 1; attempt < 3 && !(JSON.parse(run.stdout) as { grew: boolean }).grew; attempt++) run = runTraced();
      const { stdout, trace } = run;
      const { grew, start, mapped, reservedStart } = JSON.parse(stdout) as Record<string, number>;
      expect(grew).toBe(true);
      const lines = trace.split("\n");
      const first = lines.findIndex((line) => line.includes('"osmem:begin"'));
      const last = lines.findIndex((line) => line.includes('"osmem:end"'));
      const calls = lines
        .slice(first + 1, last)
        .map((line) => line.replace(/\s+=\s+/, " = "))
        .filter((line) => /^(brk|mmap|munmap|mprotect)\(/.test(line));
      const raised = (start ?? 0) + 0x20000;
      expect(calls).toEqual([
        `brk(NULL) = ${hex(start ?? 0)}`,
        `brk(${hex(raised)}) = ${hex(raised)}`,
        `mmap(NULL, 100, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = ${hex(mapped ?? 0)}`,
        `munmap(${hex(mapped ?? 0)}, 100) = 0`,
        `mprotect(${hex(reservedStart ?? 0)}, 8192, PROT_READ|PROT_WRITE) = 0`,
      ]);
    });
  });
  if (!hasStrace) describe.skip("under strace (skipped: strace is not installed)", () => it.skip("makes the expected calls", () => undefined));
});

/** Runs the child under strace (main thread only) in a temporary directory it always removes. */
function runTraced(): { stdout: string; trace: string } {
  const workDir = mkdtempSync(join(tmpdir(), "osmem-native-strace-"));
  try {
    const scriptPath = join(workDir, "traced.mjs");
    const tracePath = join(workDir, "trace.txt");
    writeFileSync(scriptPath, childScript);
    const args = ["-e", "trace=brk,mmap,munmap,mprotect,write", "-o", tracePath, process.execPath, scriptPath];
    const child = spawnSync("strace", args, { encoding: "utf8", timeout: 30_000 });
    expect(child.status, child.stderr).toBe(0);
    return { stdout: child.stdout, trace: readFileSync(tracePath, "utf8") };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
