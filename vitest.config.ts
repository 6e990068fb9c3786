import { defineConfig } from "vitest/config";

// Lets `pnpm vitest` at the root run every package's suite in one process (turbo runs them per package).
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
  },
});
