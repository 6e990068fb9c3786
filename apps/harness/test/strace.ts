// Reads an `strace -f -o` log: finds the thread that wrote the begin marker and returns the memory
// syscalls that thread made between the begin and end markers which the allocator could have made, as
// `call = result` with strace's spacing folded. The same thread also runs V8, which reserves its own
// pages (mmap with an address hint, PROT_NONE, MAP_NORESERVE) and trims them with munmap; the
// allocator's backend can only issue brk, mmap(NULL, len, PROT_READ|PROT_WRITE,
// MAP_PRIVATE|MAP_ANONYMOUS, -1, 0), and munmap inside such a mapping, so only those are kept. Every
// brk in the window is kept. Joins calls that strace split with <unfinished ...> / <... resumed>.

const LINE = /^(\d+)\s+(.*)$/;

/** The memory syscalls one thread made between two marker writes, in order. */
export function parseStraceWindow(log: string, beginLabel: string, endLabel: string): string[] {
  const pending = new Map<string, string>();
  const calls: { pid: string; text: string }[] = [];
  for (const raw of log.split("\n")) {
    const match = LINE.exec(raw);
    if (match === null) continue;
    const [, pid = "", rest = ""] = match;
    if (rest.endsWith("<unfinished ...>")) {
      pending.set(pid, rest.slice(0, -"<unfinished ...>".length).trimEnd());
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>\s?(.*)$/.exec(rest);
    const text = resumed !== null ? `${pending.get(pid) ?? ""}${resumed[1] ?? ""}` : rest;
    if (resumed !== null) pending.delete(pid);
    calls.push({ pid, text: text.replace(/\s+=\s+/, " = ").replace(/ \(.*\)$/, "") });
  }
  const begin = calls.findIndex((call) => call.text.startsWith("write(-1,") && call.text.includes(beginLabel));
  if (begin === -1) throw new Error(`no ${beginLabel} marker in the strace log`);
  const { pid } = calls[begin]!;
  const end = calls.findIndex((call, i) => i > begin && call.pid === pid && call.text.startsWith("write(-1,") && call.text.includes(endLabel));
  if (end === -1) throw new Error(`no ${endLabel} marker in the strace log`);
  const mappings: { start: number; end: number }[] = [];
  const kept: string[] = [];
  for (const { pid: callPid, text } of calls.slice(begin + 1, end)) {
    if (callPid !== pid) continue;
    if (text.startsWith("brk(")) kept.push(text);
    const mmap = ALLOCATOR_MMAP.exec(text);
    if (mmap !== null) {
      kept.push(text);
      const start = Number(mmap[2]);
      if (Number.isFinite(start)) mappings.push({ start, end: start + Number(mmap[1]) });
    }
    const munmap = MUNMAP.exec(text);
    if (munmap !== null) {
      const addr = Number(munmap[1]);
      if (mappings.some((m) => addr >= m.start && addr < m.end)) kept.push(text);
    }
  }
  return kept;
}

const ALLOCATOR_MMAP = /^mmap\(NULL, (\d+), PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = (0x[0-9a-f]+|-1.*)$/;
const MUNMAP = /^munmap\((0x[0-9a-f]+), \d+\) = /;
