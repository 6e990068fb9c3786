export * from "./api.js";
export * from "./trace.js";
