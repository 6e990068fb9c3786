// Public entry of @osmem/backend-sim: re-exports only. Internals under ./internal are not exported.
export * from "./api.js";
export { createSimBackend } from "./create-sim-backend.js";
