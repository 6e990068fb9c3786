export { bestFit } from "./best-fit.js";
export { indexedBestFit } from "./indexed-best-fit.js";
export { firstFit } from "./first-fit.js";
export { nextFit } from "./next-fit.js";
export { worstFit } from "./worst-fit.js";
export { segregatedFit } from "./segregated-fit.js";
export { tlsf } from "./tlsf.js";
export { compactFit, COMPACT_HEAP_SHAPE } from "./compact-fit.js";
export { POLICIES, DEFAULT_POLICY, tryGetPolicy } from "./registry.js";
