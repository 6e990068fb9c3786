// The native backend end to end: every reference program replayed on real brk/mmap/munmap, each in a
// fresh child process, must print its `.ref` byte for byte; and the kernel's own record of the calls
// (strace) must equal what the backend reported, call for call, arguments and results included.
// Skipped with the reason in the title where the addon cannot load or strace is missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SyscallEvent } from "@osmem/syscalls";
import { afterAll, describe, expect, it } from "vitest";
import { native, nativeUnavailable, titled } from "./native-availability.js";
import { checkRef, loadRefs } from "../src/check.js";
import { replayIsolated } from "../src/isolated-replay.js";
import { parseStraceWindow } from "./strace.js";

const env = native === undefined ? process.env : native.calmBreakEnvironment(process.env);
const hasStrace = spawnSync("strace", ["-V"]).status === 0;
const refs = loadRefs();
const byName = new Map(refs.map((ref) => [ref.program.name, ref]));

describe.runIf(nativeUnavailable === undefined)(titled("conformance on the native backend", nativeUnavailable), () => {
  it.each(refs.map((ref) => [ref.program.name, ref] as const))("%s", (_name, ref) => {
    const result = checkRef(ref, { isolated: { backend: "native", policy: "best-fit", checkLevel: 2, env }, strict: true });
    expect(result.error, "replay problems").toBeUndefined();
    expect(result.diff, "trace diff (- expected, + produced)").toBe("");
    expect(result.passed).toBe(true);
  });
});

const hex = (value: number): string => `0x${value.toString(16)}`;

/** A backend event as strace prints the call (without the pid). */
function asStrace(event: SyscallEvent): string {
  const result = (value: { ok: true; value: number } | { ok: false; errno: string }) => (value.ok ? String(value.value === 0 ? 0 : hex(value.value)) : `-1 ${value.errno}`);
  switch (event.kind) {
    case "brk":
      return `brk(${event.addr === 0 ? "NULL" : hex(event.addr)}) = ${result(event.result)}`;
    case "mmap":
      return `mmap(NULL, ${event.lengthBytes}, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = ${result(event.result)}`;
    case "munmap":
      return `munmap(${hex(event.addr)}, ${event.lengthBytes}) = ${result(event.result)}`;
  }
}

const straceSkip = nativeUnavailable ?? (hasStrace ? undefined : "strace is not installed");
describe.runIf(straceSkip === undefined)(titled("the kernel's trace equals the backend's", straceSkip), () => {
  const dir = mkdtempSync(join(tmpdir(), "osmem-strace-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(["test-all", "test-malloc-coalesce-big", "test-calloc-arrays", "test-realloc-split-vector", "test-realloc-arrays"])("%s", (name) => {
    const ref = byName.get(name);
    if (ref === undefined) throw new Error(`no bundled reference ${name}`);
    const log = join(dir, `${name}.strace`);
    const traced = () =>
      replayIsolated(ref.path, {
        backend: "native",
        policy: "best-fit",
        checkLevel: 2,
        env,
        withEvents: true,
        traceMarkers: true,
        wrapper: ["strace", "-f", "-qq", "-s", "64", "-e", "trace=brk,mmap,munmap,write", "-o", log],
      });
    // A run the rest of the process disturbed (see replay-child.ts) is repeated, as `osmem check` does.
    let outcome = traced();
    for (let retry = 0; retry < 2 && outcome.interference !== undefined; retry += 1) outcome = traced();
    expect(outcome.interference).toBeUndefined();
    expect(outcome.failure).toBeUndefined();
    const kernel = parseStraceWindow(readFileSync(log, "utf8"), "osmem:replay:begin", "osmem:replay:end");
    const reported = (outcome.events ?? []).map(asStrace);
    expect(reported.length).toBeGreaterThan(3);
    expect(kernel).toEqual(reported);
  });
});
