// Reaches the private state behind a Heap made by createHeap, for the checker and the walker.
import type { Heap } from "../api.js";
import { HeapState } from "./heap-state.js";

/** The state of a heap made by `createHeap`. @throws TypeError for any other object. */
export function stateOf(heap: Heap): HeapState {
  const state: unknown = (heap as { state?: unknown }).state;
  if (!(state instanceof HeapState)) throw new TypeError("not a heap made by createHeap");
  return state;
}
