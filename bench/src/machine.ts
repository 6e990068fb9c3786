// Describes the machine a run happened on, for BENCHMARKS.md: logical CPUs, CPU model, memory, Node
// version and OS. Reads /proc/cpuinfo and /etc/os-release where they exist; falls back to node:os.
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, release, totalmem, type } from "node:os";

/** The machine a benchmark ran on. */
export interface MachineInfo {
  /** Logical CPUs this process may use (what `nproc` prints). */
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
}

const readOr = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

/** The current machine. Never throws. */
export function describeMachine(): MachineInfo {
  const cpuinfo = /^model name\s*:\s*(.+)$/m.exec(readOr("/proc/cpuinfo"))?.[1];
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readOr("/etc/os-release"))?.[1];
  return {
    cpuCount: availableParallelism(),
    cpuModel: (cpuinfo ?? cpus()[0]?.model ?? "unknown").trim(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${pretty ?? type()} (${type()} ${release()})`,
  };
}
