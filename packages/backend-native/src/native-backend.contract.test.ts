// Runs the shared SyscallBackend contract suite against the native backend in both break modes.
// Every backend a test creates is disposed afterwards, so the suite leaves no mappings behind and
// gives back the break wherever nobody else moved it since.
import { describeSyscallContract } from "@osmem/syscalls/testing";
import { afterEach } from "vitest";
import type { NativeBackend, NativeBackendOptions } from "./api.js";
import { createNativeBackend } from "./create-native-backend.js";
import { describeNative } from "./internal/describe-native.js";

const created: NativeBackend[] = [];

const make = (options: NativeBackendOptions) => (): NativeBackend => {
  const backend = createNativeBackend(options);
  created.push(backend);
  return backend;
};

afterEach(() => {
  for (const backend of created.splice(0).reverse()) backend.dispose();
});

describeNative("native backend, process break", () => {
  // No opt-outs: the backend exposes exactly [start of its range, break) and its own mappings, so every
  // straddle test faults as on the simulator, and brk below its own range is ignored as on Linux.
  describeSyscallContract(make({ breakMode: "process" }));
}, { growsProcessBreak: true });

describeNative("native backend, reserved break", () => {
  describeSyscallContract(make({ breakMode: "reserved", reserveBytes: 64 * 1024 * 1024 }));
});
