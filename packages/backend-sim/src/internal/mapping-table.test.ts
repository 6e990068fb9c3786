// Unit tests for the mapping table's placement search: top-down, highest fitting gap first,
// never below the floor, and bookkeeping of mapped bytes across splits.
import { describe, expect, it } from "vitest";
import { MappingTable } from "./mapping-table.js";
import { Region } from "./region.js";

const PAGE = 4096;
const FLOOR = 16 * PAGE;
const CEILING = 64 * PAGE;

const place = (table: MappingTable, lengthBytes: number): number => {
  const addr = table.findGapTopDown(lengthBytes, FLOOR, CEILING);
  if (addr === undefined) throw new Error("no gap");
  table.insert(new Region(addr, addr + lengthBytes, new Uint8Array(lengthBytes)));
  return addr;
};

describe("MappingTable.findGapTopDown", () => {
  it("fills from the ceiling down to the floor, then reports no gap", () => {
    const table = new MappingTable();
    expect(place(table, 30 * PAGE)).toBe(CEILING - 30 * PAGE);
    expect(place(table, 8 * PAGE)).toBe(CEILING - 38 * PAGE);
    expect(table.findGapTopDown(11 * PAGE, FLOOR, CEILING)).toBeUndefined();
    expect(place(table, 10 * PAGE)).toBe(FLOOR);
    expect(table.findGapTopDown(PAGE, FLOOR, CEILING)).toBeUndefined();
  });

  it("tracks mapped bytes through splits", () => {
    const table = new MappingTable();
    const addr = place(table, 10 * PAGE);
    table.unmap(addr + 2 * PAGE, addr + 5 * PAGE);
    expect(table.mappedBytes).toBe(7 * PAGE);
    expect(table.list()).toEqual([
      { addr, lengthBytes: 2 * PAGE },
      { addr: addr + 5 * PAGE, lengthBytes: 5 * PAGE },
    ]);
    expect(table.findGapTopDown(3 * PAGE, FLOOR, CEILING)).toBe(addr + 2 * PAGE);
    table.unmap(0, CEILING);
    expect(table.mappedBytes).toBe(0);
    expect(table.list()).toEqual([]);
  });
});
