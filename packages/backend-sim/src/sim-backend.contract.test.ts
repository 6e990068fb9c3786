// Runs the shared SyscallBackend contract suite against the simulated backend with no opt-outs:
// once with the defaults, once with large pages and recording off (the log must not matter).
import { describeSyscallContract } from "@osmem/syscalls/testing";
import { describe } from "vitest";
import { createSimBackend } from "./index.js";

describe("backend-sim", () => {
  describeSyscallContract(() => createSimBackend());
});

describe("backend-sim with 64 KiB pages and recording off", () => {
  describeSyscallContract(() => createSimBackend({ pageSize: 64 * 1024, record: false }));
});
