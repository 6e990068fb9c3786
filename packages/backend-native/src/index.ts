// Public entry of @osmem/backend-native: re-exports only. Internals under ./internal are not exported.
export * from "./api.js";
export { isProcessBreakMovable, processBreakBlockedReason } from "./break-probe.js";
export { createNativeBackend } from "./create-native-backend.js";
export { getDataLimit, setDataLimit } from "./data-limit.js";
export { isNativeBackendAvailable, nativeBackendUnavailableReason } from "./load-binding.js";
export { traceMarker } from "./trace-marker.js";
export { CALM_BREAK_TUNABLES, calmBreakEnvironment } from "./calm-break.js";
