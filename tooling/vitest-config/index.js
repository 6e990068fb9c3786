// Shared vitest defaults for every osmem project: node environment, tests beside the code,
// no watch in CI, and a generous timeout for the property-based suites.
import { defineProject } from "vitest/config";

/**
 * Builds a vitest project config with the osmem defaults.
 * @param {string} name the project name shown in vitest's output
 * @param {import("vitest/config").UserProjectConfigExport["test"]} [overrides]
 */
export function osmemProject(name, overrides = {}) {
  return defineProject({
    test: {
      name,
      environment: "node",
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 60_000,
      ...overrides,
    },
  });
}
