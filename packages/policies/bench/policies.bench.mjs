// Micro-benchmark of the fit policies (not a test): steady-state malloc/free throughput with 1e3, 1e4
// and 1e5 live blocks of random sizes 8..512 on the simulated backend at check level 0, plus the cost of
// the policy's own index alone (findFit + removeFree + insertFree on a synthetic free set).
// Run after `pnpm --filter @osmem/policies build`:  node bench/policies.bench.mjs [--quick]
import { createSimBackend } from "@osmem/backend-sim";
import { createHeap } from "@osmem/core";
import { POLICIES } from "../dist/index.js";

const QUICK = process.argv.includes("--quick");
const LIVE_COUNTS = [1e3, 1e4, 1e5];
const MEASURE_MS = QUICK ? 150 : 600;
/** The reference walks every block per malloc: filling 1e5 blocks would take minutes. */
const LINEAR_LIMIT = 1e4;
const TABLE_BITS = 16;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

/** Deterministic random tables, so every policy sees the same requests. */
function randomTables(seed) {
  let x = seed | 0;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const sizes = new Float64Array(1 << TABLE_BITS);
  const picks = new Float64Array(1 << TABLE_BITS);
  for (let i = 0; i < sizes.length; i++) {
    sizes[i] = 8 + (next() % 505);
    picks[i] = next() / 2 ** 32;
  }
  return { sizes, picks };
}

/** Steady-state ops/s (one malloc or one free = one op) of `policy` with `liveCount` live blocks. */
function heapThroughput(policy, liveCount) {
  const heap = createHeap({ backend: createSimBackend({ record: false }), policy, checkLevel: 0 });
  const { sizes, picks } = randomTables(0x9e3779b9);
  const live = new Float64Array(liveCount);
  for (let i = 0; i < liveCount; i++) live[i] = heap.malloc(sizes[i & TABLE_MASK]);
  let step = 0;
  const churn = (count) => {
    for (let i = 0; i < count; i++, step++) {
      const slot = Math.floor(picks[step & TABLE_MASK] * liveCount);
      heap.free(live[slot]);
      live[slot] = heap.malloc(sizes[(step * 7 + 3) & TABLE_MASK]);
    }
  };
  churn(Math.min(liveCount, 20_000));
  let pairs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    churn(256);
    pairs += 256;
    elapsed = performance.now() - start;
  }
  const stats = heap.stats();
  return { opsPerSecond: (2 * pairs) / (elapsed / 1000), usage: stats.bytesInUse / stats.heapBytes, freeBlocks: stats.freeBlocks };
}

const BASE = 0x5555_5555_9000;
const STRIDE = 1024;
const NO_VIEW = { firstBlock: () => 0, nextBlock: () => 0, prevBlock: () => 0, blockSize: () => 0, isFree: () => false };

/** ops/s of the strategy alone: each op is findFit, then removeFree of the block found and insertFree of a new size. */
function strategyThroughput(policy, freeCount) {
  const strategy = policy.bind(NO_VIEW);
  const { sizes, picks } = randomTables(0x2545f491);
  const addrs = new Float64Array(freeCount);
  const blockBytes = new Float64Array(freeCount);
  for (let i = 0; i < freeCount; i++) {
    addrs[i] = BASE + i * STRIDE;
    blockBytes[i] = 8 * Math.ceil(sizes[i & TABLE_MASK] / 8);
    strategy.insertFree(addrs[i], blockBytes[i], "freed");
  }
  let operations = 0;
  let step = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    for (let i = 0; i < 256; i++, step++) {
      const request = 8 * Math.ceil((8 + picks[step & TABLE_MASK] * 200) / 8);
      const found = strategy.findFit(request);
      const slot = found === 0 ? step % freeCount : (found - BASE) / STRIDE;
      strategy.removeFree(addrs[slot], blockBytes[slot], "allocated");
      blockBytes[slot] = 8 * Math.ceil(sizes[step & TABLE_MASK] / 8);
      strategy.insertFree(addrs[slot], blockBytes[slot], "freed");
    }
    operations += 256;
    elapsed = performance.now() - start;
  }
  return (3 * operations) / (elapsed / 1000);
}

const format = (opsPerSecond) => (opsPerSecond >= 1e6 ? `${(opsPerSecond / 1e6).toFixed(2)} M` : `${(opsPerSecond / 1e3).toFixed(1)} k`).padStart(9);
const row = (cells, widths) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join(" | ");

const widths = [17, 30, 30, 30];
console.log(`heap malloc/free steady state, sim backend, checkLevel 0: ops/s (heap use = bytesInUse / heapBytes, free = free blocks)`);
console.log(row(["policy", ...LIVE_COUNTS.map((n) => `${n.toExponential(0)} live`)], widths));
console.log(row(widths.map((w) => "-".repeat(w)), widths));
for (const policy of Object.values(POLICIES)) {
  const cells = LIVE_COUNTS.map((n) => {
    if (policy.name === "best-fit" && n > LINEAR_LIMIT) return "   skipped (O(n) walk)";
    const r = heapThroughput(policy, n);
    return `${format(r.opsPerSecond)}  use ${(r.usage * 100).toFixed(0)}% free ${r.freeBlocks}`;
  });
  console.log(row([policy.name, ...cells], widths));
}

console.log(`\nstrategy alone (findFit + removeFree + insertFree, no heap): index ops/s`);
console.log(row(["policy", ...LIVE_COUNTS.map((n) => `${n.toExponential(0)} free`)], widths));
console.log(row(widths.map((w) => "-".repeat(w)), widths));
for (const policy of Object.values(POLICIES)) {
  if (policy.name === "best-fit") continue;
  console.log(row([policy.name, ...LIVE_COUNTS.map((n) => format(strategyThroughput(policy, n)))], widths));
}
