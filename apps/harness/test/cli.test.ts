// The built `osmem` binary, spawned as users run it: exit codes 0/1/2, the report's shape, NDJSON,
// and `replay` printing a trace. Needs `dist/` (tests run after the build); skipped with a reason if absent.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scratchDir } from "./scratch.js";
import { BUNDLED_REFS_DIR } from "../src/check.js";
import { formatTraceLine } from "../src/ref-format.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const isBuilt = existsSync(CLI);

function osmem(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return osmemWith({}, ...args);
}

function osmemWith(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const scratch = scratchDir("osmem-cli-");

/** A reference no allocator can pass: malloc(0) must return NULL. */
function impossibleRef(): string {
  const path = join(scratch, "impossible.ref");
  writeFileSync(path, `${formatTraceLine({ depth: 0, name: "os_malloc", args: ["0"], result: "HeapStart + 0x20" })}\n+++ exited (status 0) +++\n`);
  return path;
}

describe.skipIf(!isBuilt)(isBuilt ? "osmem CLI" : "osmem CLI (skipped: dist/cli.js missing, run the build first)", () => {
  it("prints help with examples and the version", () => {
    const help = osmem("check", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(osmem("replay", "--help").stdout).toContain("| diff - refs/test-all.ref");
    const version = osmem("--version");
    expect(version, JSON.stringify(version)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it.each([
    [["check", "--backend", "qemu"], /unknown backend "qemu"/],
    [["check", "--policy", "worstest-fit"], /unknown policy "worstest-fit" \(available: best-fit, indexed-best-fit, /],
    [["check", "--check", "3"], /argument '3' is invalid/],
    [["check", "/nonexistent.ref"], /cannot read \/nonexistent.ref/],
    [["replay"], /missing required argument 'file'/],
    [["frobnicate"], /unknown command/],
  ])("exits 2 on a usage error: %j", (args, message) => {
    const run = osmem(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  it("exits 1 when a test fails, with the diff and the total", () => {
    const run = osmem("check", "--no-color", impossibleRef());
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^impossible \.+ failed {2}\[ 0\/ 0\] {2}diverges at line 1\n/);
    expect(run.stdout).toContain("+os_malloc (['0'])");
    expect(run.stdout).toMatch(/\nTotal: 0\/0\n$/);
  });

  it("prints NDJSON with --json, one object per test and nothing else", () => {
    const bundled = join(BUNDLED_REFS_DIR, "test-malloc-preallocate.ref");
    const run = osmem("check", "--json", bundled, impossibleRef());
    const objects = run.stdout.trimEnd().split("\n").map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(objects.map((o) => Object.keys(o))).toEqual([
      ["name", "passed", "points", "diff", "leaks"],
      ["name", "passed", "points", "diff", "divergesAtLine", "leaks"],
    ]);
    expect(objects[0]).toMatchObject({ name: "test-malloc-preallocate", points: 3 });
    expect(objects[1]).toMatchObject({ name: "impossible", passed: false, points: 0, divergesAtLine: 1 });
  });

  it("replays a reference into its own text when the allocator conforms", () => {
    const file = join(BUNDLED_REFS_DIR, "test-malloc-no-preallocate.ref");
    const run = osmem("replay", file);
    expect(run.stdout).toMatch(/^os_malloc \(\['0'\]\) +?= 0\n/);
    expect(run.stdout.endsWith("+++ exited (status 0) +++\n")).toBe(true);
    expect(run.status).toBe(0);
  });

  it("exits 0 for a passing check", () => {
    const run = osmem("check", join(BUNDLED_REFS_DIR, "test-malloc-no-preallocate.ref"));
    expect(run.stdout).toMatch(/passed {2}\[ 2\/ 2\]\n\nTotal: 2\/2\n$/);
    expect(run.status).toBe(0);
  });

  it("exits 2 with a one-line reason when the native backend cannot load", () => {
    const run = osmemWith({ OSMEM_NATIVE: "off" }, "check", "--backend", "native");
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("osmem: the native backend is not available here: disabled by OSMEM_NATIVE=off in the environment\n");
    expect(run.stdout).toBe("");
  });
});
