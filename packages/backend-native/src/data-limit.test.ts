// Exhaustion under RLIMIT_DATA, run in a child process (the limit is process-wide and would starve
// vitest itself): the child imports the built package, lowers the soft limit a little above what it
// already uses, and shows brk, mmap and the reserved mode's mprotect failing with ENOMEM, not crashing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { getDataLimit } from "./data-limit.js";
import { describeNative } from "./internal/describe-native.js";

const DIST_ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));

/** The child: everything it learns goes to stdout as one JSON line. */
const childScript = (entry: string): string => `
import { readFileSync } from "node:fs";
import { createNativeBackend, getDataLimit, isProcessBreakMovable, processBreakBlockedReason, setDataLimit } from ${JSON.stringify(pathToFileURL(entry).href)};
const MiB = 1024 * 1024;
const vmDataBytes = () => Number(/VmData:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
const processHeap = createNativeBackend();
const reserved = createNativeBackend({ breakMode: "reserved", reserveBytes: 1024 * MiB });
const start = processHeap.brk(0).value;
const reservedStart = reserved.brk(0).value;
const original = getDataLimit();
setDataLimit(vmDataBytes());
const movableAtLimit = isProcessBreakMovable();
const reasonAtLimit = processBreakBlockedReason();
const breakAfterProbe = processHeap.peekBreak();
const limitBytes = vmDataBytes() + 16 * MiB;
setDataLimit(limitBytes);
const lowered = getDataLimit().softBytes;
const brkBeyond = processHeap.brk(start + limitBytes + 64 * MiB);
const mmapBeyond = processHeap.mmap(64 * MiB);
const reservedBeyond = reserved.brk(reservedStart + 512 * MiB);
const mmapSmall = processHeap.mmap(4096);
const breakAfter = processHeap.peekBreak();
setDataLimit(original.softBytes);
const mmapRestored = processHeap.mmap(64 * MiB);
processHeap.dispose();
reserved.dispose();
console.log(JSON.stringify({ movableAtLimit, reasonAtLimit, reasonLater: processBreakBlockedReason() ?? null, breakAfterProbe, limitBytes, lowered, brkBeyond, mmapBeyond, reservedBeyond, mmapSmall, start, breakAfter, mmapRestored, restored: getDataLimit().softBytes === original.softBytes }));
`;

describeNative("RLIMIT_DATA exhaustion in a child process", () => {
  it("fails brk, mmap and reserved growth with ENOMEM instead of crashing, and isProcessBreakMovable says so", () => {
    expect(existsSync(DIST_ENTRY), `${DIST_ENTRY} is missing: run \`pnpm --filter @osmem/backend-native build\` first`).toBe(true);
    const workDir = mkdtempSync(join(tmpdir(), "osmem-native-limit-"));
    const scriptPath = join(workDir, "exhaust.mjs");
    writeFileSync(scriptPath, childScript(DIST_ENTRY));
    const child = spawnSync(process.execPath, [scriptPath], { encoding: "utf8", timeout: 30_000 });
    rmSync(workDir, { recursive: true, force: true });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout) as Record<string, unknown>;
    expect(report["movableAtLimit"]).toBe(false); // the probe sees a break that cannot grow...
    expect(report["breakAfterProbe"]).toBe(report["start"]); // ...and leaves it where it was
    expect(report["reasonAtLimit"]).toMatch(/break cannot grow/); // the reason says so in words...
    expect(report["reasonLater"]).toBe(report["reasonAtLimit"]); // ...and is remembered once probed
    expect(report["lowered"]).toBe(report["limitBytes"]);
    expect(report["brkBeyond"]).toEqual({ ok: false, errno: "ENOMEM" });
    expect(report["mmapBeyond"]).toEqual({ ok: false, errno: "ENOMEM" });
    expect(report["reservedBeyond"]).toEqual({ ok: false, errno: "ENOMEM" });
    expect(report["mmapSmall"]).toMatchObject({ ok: true });
    expect(report["breakAfter"]).toBe(report["start"]);
    expect(report["mmapRestored"]).toMatchObject({ ok: true });
    expect(report["restored"]).toBe(true);
  });

  it("reads the limit of this process without changing it", () => {
    const limit = getDataLimit();
    expect(limit.softBytes).toBeLessThanOrEqual(limit.hardBytes);
    expect(getDataLimit()).toEqual(limit);
  });
});
