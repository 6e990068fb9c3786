// Content checks over the payloads a replayed program holds, as the original C tests do with memset:
// every payload is filled with a pattern unique to the call that returned it, and is verified before
// it is freed or resized, after realloc (the preserved prefix) and after calloc (zeroes). Touches only
// payload bytes the program asked for, never headers; reports problems as sentences, never throws.
import { SegmentationFault } from "@osmem/syscalls";
import type { Addr, Memory } from "@osmem/syscalls";

/** One payload the program holds. */
export interface LivePayload {
  readonly addr: Addr;
  /** The size the program asked for; the pattern covers exactly these bytes. */
  readonly requestedBytes: number;
  /** The call that filled it (0-based op index). */
  readonly opIndex: number;
}

/** The `j`-th byte of the pattern of the payload filled by op `opIndex`. Varies with both. */
export const patternByte = (opIndex: number, j: number): number =>
  (opIndex * 0x45 + 0x11 + j * 13 + (j >>> 8)) & 0xff;

/** The first `lengthBytes` bytes of op `opIndex`'s pattern. */
export function patternBytes(opIndex: number, lengthBytes: number): Uint8Array {
  const bytes = new Uint8Array(lengthBytes);
  for (let j = 0; j < lengthBytes; j += 1) bytes[j] = patternByte(opIndex, j);
  return bytes;
}

const hexByte = (value: number | undefined): string => `0x${(value ?? 0).toString(16).padStart(2, "0")}`;

/**
 * Tracks the payloads a program holds, fills them and checks their bytes. Every method returns the
 * problems it found as sentences (empty when all is well); `name` prints addresses for them.
 */
export class PayloadTracker {
  private readonly live = new Map<Addr, LivePayload>();

  constructor(
    private readonly memory: Memory,
    private readonly name: (addr: Addr) => string,
  ) {}

  /** The payload the program holds at `addr`, if any. */
  get(addr: Addr): LivePayload | undefined {
    return this.live.get(addr);
  }

  /** All payloads still held, in the order they were adopted. */
  all(): LivePayload[] {
    return [...this.live.values()];
  }

  /**
   * Takes a payload just returned by op `opIndex`: checks its alignment and that it overlaps no payload
   * still held, then fills its `requestedBytes` with the op's pattern.
   */
  adopt(addr: Addr, requestedBytes: number, opIndex: number, alignBytes: number): string[] {
    const problems: string[] = [];
    if (addr % alignBytes !== 0) problems.push(`returned ${this.name(addr)}, which is not ${alignBytes}-byte aligned`);
    for (const other of this.live.values()) {
      if (addr < other.addr + other.requestedBytes && other.addr < addr + requestedBytes) {
        problems.push(
          `returned ${this.name(addr)} (${requestedBytes} bytes), which overlaps the payload ` +
            `${this.name(other.addr)} (${other.requestedBytes} bytes) still held from op #${other.opIndex}`,
        );
      }
    }
    this.live.set(addr, { addr, requestedBytes, opIndex });
    const fault = this.access(addr, requestedBytes, () => this.memory.writeBytes(addr, patternBytes(opIndex, requestedBytes)));
    return fault === undefined ? problems : [...problems, fault];
  }

  /** Forgets the payload at `addr` (it was freed). */
  release(addr: Addr): void {
    this.live.delete(addr);
  }

  /**
   * Checks that the first `lengthBytes` bytes at `addr` still hold the pattern `payload` was filled
   * with. `what` says what was expected, e.g. "the 100 bytes realloc must preserve".
   */
  verify(addr: Addr, payload: LivePayload, lengthBytes: number, what: string): string[] {
    let actual: Uint8Array | undefined;
    const fault = this.access(addr, lengthBytes, () => {
      actual = this.memory.readBytes(addr, lengthBytes);
    });
    if (fault !== undefined || actual === undefined) return [fault ?? "unreadable payload"];
    const expected = patternBytes(payload.opIndex, lengthBytes);
    const at = firstDifference(actual, expected);
    if (at < 0) return [];
    return [
      `${what} at ${this.name(addr)} changed: byte +0x${at.toString(16)} is ${hexByte(actual[at])}, expected ` +
        `${hexByte(expected[at])} (pattern of op #${payload.opIndex}, ${lengthBytes} bytes checked)`,
    ];
  }

  /** Checks that `lengthBytes` bytes at `addr` are zero (a fresh calloc payload). */
  verifyZero(addr: Addr, lengthBytes: number): string[] {
    let actual: Uint8Array | undefined;
    const fault = this.access(addr, lengthBytes, () => {
      actual = this.memory.readBytes(addr, lengthBytes);
    });
    if (fault !== undefined || actual === undefined) return [fault ?? "unreadable payload"];
    const at = actual.findIndex((byte) => byte !== 0);
    if (at < 0) return [];
    return [
      `calloc payload at ${this.name(addr)} is not zeroed: byte +0x${at.toString(16)} is ${hexByte(actual[at])} ` +
        `(${lengthBytes} bytes checked)`,
    ];
  }

  /** Runs a memory access, turning a segmentation fault into a problem sentence. */
  private access(addr: Addr, lengthBytes: number, run: () => void): string | undefined {
    try {
      run();
      return undefined;
    } catch (error) {
      if (!(error instanceof SegmentationFault)) throw error;
      return `payload ${this.name(addr)} (${lengthBytes} bytes) is not inside live memory: ${error.message}`;
    }
  }
}

function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  for (let j = 0; j < expected.length; j += 1) if (actual[j] !== expected[j]) return j;
  return -1;
}
