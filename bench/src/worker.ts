// Worker-thread entry: measures the one allocator named in `workerData` (an AllocatorJob) and posts
// `{ kind: "progress", label }` messages, then `{ kind: "done", results }`. Never prints.
import { parentPort, workerData } from "node:worker_threads";
import { measureAllocator } from "./measure-allocator.js";
import type { AllocatorJob } from "./measure-allocator.js";

const port = parentPort;
if (port === null) throw new Error("worker.js runs only as a worker thread");
const job = workerData as AllocatorJob;
const results = measureAllocator(job, (label) => port.postMessage({ kind: "progress", label }));
port.postMessage({ kind: "done", results });
