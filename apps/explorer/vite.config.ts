// The explorer is a static site. The workspace packages are compiled from their TypeScript sources,
// so `vite` and `vite build` need no earlier build step, and everything is bundled (no CDN).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const source = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export default defineConfig({
  base: "./",
  resolve: {
    alias: {
      "@osmem/harness/browser": source("apps/harness/src/browser.ts"),
      "@osmem/backend-sim": source("packages/backend-sim/src/index.ts"),
      "@osmem/core": source("packages/core/src/index.ts"),
      "@osmem/policies": source("packages/policies/src/index.ts"),
      "@osmem/syscalls": source("packages/syscalls/src/index.ts"),
    },
  },
  build: { target: "es2022", assetsInlineLimit: 0, chunkSizeWarningLimit: 1024 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
