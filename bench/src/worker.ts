// Worker-thread entry: one allocator (an AllocatorSettings in `workerData`) measured step by step. Each
// request message, `{ kind: "trace", path }` or `{ kind: "scaling", liveCount }`, gets one reply with
// the result; the worker ends when its port closes. Never prints.
import { parentPort, workerData } from "node:worker_threads";
import { AllocatorBench, type AllocatorSettings } from "./measure-allocator.js";

/** What the main thread asks of a worker. */
export type WorkerRequest = { readonly kind: "trace"; readonly path: string } | { readonly kind: "scaling"; readonly liveCount: number };

const port = parentPort;
if (port === null) throw new Error("worker.js runs only as a worker thread");
const bench = new AllocatorBench(workerData as AllocatorSettings);
port.on("message", (request: WorkerRequest) => {
  port.postMessage(request.kind === "trace" ? bench.trace(request.path) : bench.scaling(request.liveCount));
});
