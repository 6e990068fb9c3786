import { describe, expect, it } from "vitest";
import { parseStraceWindow } from "./strace.js";

const LOG = `100  brk(NULL)                         = 0x1000
100  write(-1, "osmem:replay:begin", 18) = -1 EBADF (Bad file descriptor)
101  brk(0x9000)                       = 0x9000
100  brk(NULL)                         = 0x5000
100  brk(0x25000 <unfinished ...>
101  mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7000
100  <... brk resumed>)                = 0x25000
100  mmap(0x3c8243ec0000, 520192, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x3c8243ec0000
100  munmap(0x3c8243f00000, 258048)    = 0
100  mmap(NULL, 131104, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000
100  munmap(0x7f0000000000, 131104)    = 0
100  write(-1, "osmem:replay:end", 16) = -1 EBADF (Bad file descriptor)
100  brk(0x30000)                      = 0x30000
`;

describe("parseStraceWindow", () => {
  it("keeps the marked thread's allocator calls between the markers, joining split calls", () => {
    expect(parseStraceWindow(LOG, "osmem:replay:begin", "osmem:replay:end")).toEqual([
      "brk(NULL) = 0x5000",
      "brk(0x25000) = 0x25000",
      "mmap(NULL, 131104, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000",
      "munmap(0x7f0000000000, 131104) = 0",
    ]);
  });

  it("throws when a marker is missing", () => {
    expect(() => parseStraceWindow(LOG, "nope", "osmem:replay:end")).toThrow(/no nope marker/);
    expect(() => parseStraceWindow(LOG, "osmem:replay:begin", "nope")).toThrow(/no nope marker/);
  });
});
