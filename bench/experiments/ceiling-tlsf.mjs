// An experiment, not an allocator: how fast can plain JavaScript replay the benchmark's traces when
// everything osmem adds is left out? One function per operation over one Int32Array (no Memory, no
// policy interface, no pointer validation, no mmap, no stats, heap offsets instead of addresses, a
// realloc that always moves), TLSF classes as in @osmem/policies with the free-list links inside the
// free payloads, immediate coalescing, the same 32-byte header layout and 8-byte alignment. The
// number it prints bounds what the layered allocator can reach on this machine with this replay loop;
// BENCHMARKS.md quotes it next to the targets. It also runs the benchmark's scaling workload (1e3 to
// 1e6 live blocks), to show how much of the growth is the machine's memory rather than the policy.
//
//   pnpm build && node bench/experiments/ceiling-tlsf.mjs [traces dir]   (default ../shared/traces)
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadRep, RepOpKind } from "@osmem/harness";

const TRACES = [
  "amptjp-bal", "binary-bal", "binary2-bal", "cccp-bal", "coalescing-bal", "cp-decl-bal", "expr-bal", "random-bal",
  "random2-bal", "realloc-bal", "realloc2-bal", "alaska", "bash", "boat", "chrome", "firefox", "firefox-reddit",
  "firefox-reddit2", "freeciv", "mutt", "needle", "pulseaudio", "xterm", "perl",
];
const RUNS = 9;

// TLSF classes in 8-byte units: one per unit below 32, then 32 per power of two.
const SL_LOG2 = 5;
const SL_COUNT = 32;
const CLASS_COUNT = (49 - SL_LOG2 + 2) * SL_COUNT;
const classOf = (units) => {
  if (units < SL_COUNT) return units;
  const level = 31 - Math.clz32(units);
  return (level - SL_LOG2 + 1) * SL_COUNT + ((units >>> (level - SL_LOG2)) & (SL_COUNT - 1));
};
const searchClassOf = (units) => (units < SL_COUNT ? units : classOf(units + (1 << (31 - Math.clz32(units) - SL_LOG2)) - 1));

// Header words from a block's first word b: [b] size, [b+2] status (0 free, 1 alloc), [b+4] prev,
// [b+6] next (word indexes, -1 for none); a free block's payload: [b+8] next free, [b+9] prev free.
const SIZE = 0, STATUS = 2, PREV = 4, NEXT = 6, FREE_NEXT = 8, FREE_PREV = 9, HEADER_WORDS = 8;

/** One heap, reusing a shared buffer between runs (as the benchmark reuses simulated memory). */
class BareTlsf {
  constructor(words) {
    this.w = words;
    this.endWord = 0;
    this.tail = -1;
    this.heads = new Int32Array(CLASS_COUNT).fill(-1);
    this.bits = new Uint32Array(CLASS_COUNT >>> 5);
  }

  pushFree(b, size) {
    const w = this.w;
    const cls = classOf(size >>> 3);
    const head = this.heads[cls];
    w[b + FREE_NEXT] = head;
    w[b + FREE_PREV] = -1;
    if (head >= 0) w[head + FREE_PREV] = b;
    this.heads[cls] = b;
    this.bits[cls >>> 5] |= 1 << (cls & 31);
  }

  unlinkFree(b, size) {
    const w = this.w;
    const next = w[b + FREE_NEXT];
    const prev = w[b + FREE_PREV];
    if (next >= 0) w[next + FREE_PREV] = prev;
    if (prev >= 0) w[prev + FREE_NEXT] = next;
    else {
      const cls = classOf(size >>> 3);
      this.heads[cls] = next;
      if (next < 0) this.bits[cls >>> 5] &= ~(1 << (cls & 31));
    }
  }

  findFree(size) {
    const cls = searchClassOf(size >>> 3);
    let word = cls >>> 5;
    let mask = this.bits[word] & (0xffffffff << (cls & 31));
    while (mask === 0) {
      word += 1;
      if (word >= this.bits.length) return -1;
      mask = this.bits[word];
    }
    return this.heads[(word << 5) + (31 - Math.clz32(mask & -mask))];
  }

  malloc(n) {
    const size = (n + 7) & ~7;
    const w = this.w;
    const b = this.findFree(size);
    if (b < 0) {
      const fresh = this.endWord;
      this.endWord += HEADER_WORDS + (size >>> 2);
      w[fresh + SIZE] = size;
      w[fresh + STATUS] = 1;
      w[fresh + PREV] = this.tail;
      w[fresh + NEXT] = -1;
      if (this.tail >= 0) w[this.tail + NEXT] = fresh;
      this.tail = fresh;
      return fresh << 2;
    }
    const blockSize = w[b + SIZE];
    this.unlinkFree(b, blockSize);
    w[b + STATUS] = 1;
    if (blockSize - size >= 40) {
      const rest = b + HEADER_WORDS + (size >>> 2);
      const restSize = blockSize - size - 32;
      const next = w[b + NEXT];
      w[rest + SIZE] = restSize;
      w[rest + STATUS] = 0;
      w[rest + PREV] = b;
      w[rest + NEXT] = next;
      w[b + NEXT] = rest;
      if (next >= 0) w[next + PREV] = rest;
      else this.tail = rest;
      w[b + SIZE] = size;
      this.pushFree(rest, restSize);
    }
    return b << 2;
  }

  free(ptr) {
    const w = this.w;
    let b = ptr >>> 2;
    let size = w[b + SIZE];
    const next = w[b + NEXT];
    if (next >= 0 && w[next + STATUS] === 0) {
      const nextSize = w[next + SIZE];
      this.unlinkFree(next, nextSize);
      size += 32 + nextSize;
      const after = w[next + NEXT];
      w[b + NEXT] = after;
      if (after >= 0) w[after + PREV] = b;
      else this.tail = b;
    }
    const prev = w[b + PREV];
    if (prev >= 0 && w[prev + STATUS] === 0) {
      const prevSize = w[prev + SIZE];
      this.unlinkFree(prev, prevSize);
      size += 32 + prevSize;
      const after = w[b + NEXT];
      w[prev + NEXT] = after;
      if (after >= 0) w[after + PREV] = prev;
      else this.tail = prev;
      b = prev;
    }
    w[b + SIZE] = size;
    w[b + STATUS] = 0;
    this.pushFree(b, size);
  }

  realloc(ptr, n) {
    if (ptr < 0) return this.malloc(n);
    const moved = this.malloc(n);
    const keepWords = Math.min(this.w[(ptr >>> 2) + SIZE], (n + 7) & ~7) >>> 2;
    const from = (ptr >>> 2) + HEADER_WORDS;
    this.w.copyWithin((moved >>> 2) + HEADER_WORDS, from, from + keepWords);
    this.free(ptr);
    return moved;
  }
}

/** The benchmark's replay rules (C semantics for realloc(NULL, n) and realloc(p, 0); free(NULL) skipped); -1 is NULL here. */
function replay(trace, heap) {
  const ptrs = new Float64Array(Math.max(1, trace.idLimit)).fill(-1);
  const { kinds, ids, sizes, opCount } = trace;
  for (let i = 0; i < opCount; i++) {
    const id = ids[i];
    if (kinds[i] === RepOpKind.Free) {
      const ptr = id < 0 ? -1 : ptrs[id];
      if (ptr >= 0) {
        ptrs[id] = -1;
        heap.free(ptr);
      }
      continue;
    }
    const old = ptrs[id];
    ptrs[id] = -1;
    if (sizes[i] === 0) {
      if (old >= 0) heap.free(old);
    } else ptrs[id] = kinds[i] === RepOpKind.Alloc ? heap.malloc(sizes[i]) : heap.realloc(old, sizes[i]);
  }
}

/**
 * The benchmark's scaling workload on the bare heap: `liveCount` blocks of seeded random sizes 8..512,
 * then pairs of (free a random live block, malloc a new random size), timed for about `measureMs`
 * after one churn pair per live block (at most 200k). Returns ns per op (one op = a malloc or a free).
 */
function scaling(words, liveCount, measureMs) {
  let x = 0x9e3779b9 | 0;
  const random = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const heap = new BareTlsf(words);
  const live = new Float64Array(liveCount);
  for (let i = 0; i < liveCount; i++) live[i] = heap.malloc(8 + (random() % 505));
  const churn = (pairs) => {
    for (let i = 0; i < pairs; i++) {
      const slot = Math.floor((random() / 2 ** 32) * liveCount);
      heap.free(live[slot]);
      live[slot] = heap.malloc(8 + (random() % 505));
    }
  };
  churn(Math.min(liveCount, 200_000));
  let pairs = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < measureMs) {
    churn(256);
    pairs += 256;
    elapsed = performance.now() - started;
  }
  return (elapsed * 1e6) / (2 * pairs);
}

const dir = resolve(process.argv[2] ?? resolve(import.meta.dirname, "../../../shared/traces"));
const words = new Int32Array(1 << 28); // 1 GiB, allocated once and touched by the warm-up runs
let logSum = 0;
let count = 0;
for (const name of TRACES) {
  const path = resolve(dir, `${name}.rep`);
  if (!existsSync(path)) continue;
  const trace = loadRep(path);
  const times = [];
  for (let run = 0; run <= RUNS; run++) {
    const started = performance.now();
    replay(trace, new BareTlsf(words));
    if (run > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const mops = trace.opCount / times[times.length >>> 1] / 1e3;
  logSum += Math.log(mops);
  count += 1;
  console.log(`${name.padEnd(16)} ${mops.toFixed(2).padStart(7)} Mops/s`);
}
console.log(`${"geomean".padEnd(16)} ${Math.exp(logSum / count).toFixed(2).padStart(7)} Mops/s over ${count} traces (median of ${RUNS} runs each, after one warm-up)`);

const perOp = [1e3, 1e4, 1e5, 1e6].map((liveCount) => [liveCount, scaling(words, liveCount, 1000)]);
console.log(`per-op cost with N live blocks (ns): ${perOp.map(([n, ns]) => `${n.toExponential(0)} ${ns.toFixed(0)}`).join(", ")}; growth 1e3→1e6 ${(perOp[3][1] / perOp[0][1]).toFixed(2)}×`);
