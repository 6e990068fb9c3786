// Test support: the same backend without its optional memory window, so that every header field and
// free-block tag goes through the Memory methods. Running one program on both shows that the window
// path and the Memory path leave the same heap.
import type { SyscallBackend } from "@osmem/syscalls";

/**
 * A view of `backend` whose memory offers no `windowAt`: same address space, same syscalls (the
 * wrapper forwards them), no observer.
 */
export function withoutMemoryWindow(backend: SyscallBackend): SyscallBackend {
  const m = backend.memory;
  const memory = {
    readU8: m.readU8.bind(m),
    writeU8: m.writeU8.bind(m),
    readU32: m.readU32.bind(m),
    writeU32: m.writeU32.bind(m),
    readI32: m.readI32.bind(m),
    writeI32: m.writeI32.bind(m),
    readU64: m.readU64.bind(m),
    writeU64: m.writeU64.bind(m),
    readBytes: m.readBytes.bind(m),
    writeBytes: m.writeBytes.bind(m),
    fill: m.fill.bind(m),
    copy: m.copy.bind(m),
  };
  return {
    pageSize: backend.pageSize,
    memory,
    brk: (addr) => backend.brk(addr),
    mmap: (lengthBytes) => backend.mmap(lengthBytes),
    munmap: (addr, lengthBytes) => backend.munmap(addr, lengthBytes),
    observer: undefined,
  };
}
