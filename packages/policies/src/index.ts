export { bestFit } from "./best-fit.js";
export { POLICIES, DEFAULT_POLICY, tryGetPolicy } from "./registry.js";
