import type { UserWorkspaceConfig } from "vitest/config";
/** Builds a vitest project config with the osmem defaults. */
export declare function osmemProject(name: string, overrides?: UserWorkspaceConfig["test"]): UserWorkspaceConfig;
