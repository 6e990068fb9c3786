// One live range of process memory (a heap range or a mapping) and the external ArrayBuffers that view
// it. Invariant: every buffer this region ever created covers only bytes that are still mapped; any
// buffer that would cover released bytes is detached *before* the caller releases them.
// Never calls the kernel: the callers (heap and mapping bookkeeping) do, in that order.
import type { Addr, MemoryWindow } from "@osmem/syscalls";
import type { RawBinding } from "../load-binding.js";

/** A live range `[start, end)` with a DataView and a byte view over its current buffer. */
export class Region {
  // Number fields get a number initializer (docs/architecture.md, "Rules of the hot paths").
  readonly start: Addr = 0;
  private endAddr: Addr = 0;
  private current: ArrayBuffer | undefined;
  /** Older, smaller buffers still over live bytes (handed out before the range grew). */
  private readonly retired: ArrayBuffer[] = [];
  view: DataView = new DataView(new ArrayBuffer(0));
  bytes: Uint8Array = new Uint8Array(0);
  /** The window over the current buffer, built on first request. */
  private currentWindow: MemoryWindow | undefined;

  constructor(
    private readonly binding: RawBinding,
    start: Addr,
    end: Addr,
  ) {
    this.start = start;
    this.endAddr = end;
    this.refresh();
  }

  get end(): Addr {
    return this.endAddr;
  }

  get lengthBytes(): number {
    return this.endAddr - this.start;
  }

  /**
   * A {@link MemoryWindow} over the whole region (at most 2^32 bytes), as 32-bit words of its current
   * buffer; `undefined` when the region is empty or does not start 8-aligned. It stays valid while the
   * region only grows (its buffer is retired, not detached) and reads as empty once the region shrinks.
   */
  window(): MemoryWindow | undefined {
    if (this.currentWindow !== undefined || this.current === undefined || this.start % 8 !== 0) return this.currentWindow;
    const lengthBytes = Math.min(Math.floor(this.lengthBytes / 8) * 8, 2 ** 32);
    if (lengthBytes === 0) return undefined;
    const u32 = new Uint32Array(this.current, 0, lengthBytes / 4);
    this.currentWindow = { base: this.start, lengthBytes, u32, i32: new Int32Array(this.current, 0, lengthBytes / 4) };
    return this.currentWindow;
  }

  /**
   * Moves the end. Growing keeps older buffers attached (their bytes stay live); shrinking detaches
   * every buffer, because each may cover bytes about to be released. Call before releasing memory and
   * after acquiring it.
   */
  resize(newEnd: Addr): void {
    if (newEnd === this.endAddr) return;
    if (newEnd < this.endAddr) {
      this.detachAll();
    } else if (this.current !== undefined) {
      this.retired.push(this.current);
    }
    this.current = undefined;
    this.currentWindow = undefined;
    this.endAddr = newEnd;
    this.refresh();
  }

  /** Detaches every buffer over this region; afterwards the region reads as empty. */
  detachAll(): void {
    if (this.current !== undefined) this.binding.detachView(this.current);
    for (const buffer of this.retired) this.binding.detachView(buffer);
    this.retired.length = 0;
    this.current = undefined;
    this.currentWindow = undefined;
    this.view = new DataView(new ArrayBuffer(0));
    this.bytes = new Uint8Array(0);
  }

  /** Builds the current buffer over `[start, end)` (none for an empty region). */
  private refresh(): void {
    const lengthBytes = this.lengthBytes;
    if (lengthBytes === 0) {
      this.view = new DataView(new ArrayBuffer(0));
      this.bytes = new Uint8Array(0);
      return;
    }
    const buffer = this.binding.createView(this.start, lengthBytes);
    this.current = buffer;
    this.view = new DataView(buffer);
    this.bytes = new Uint8Array(buffer);
  }
}
