import { osmemProject } from "@osmem/vitest-config";

export default osmemProject("explorer", { testTimeout: 120_000, hookTimeout: 180_000 });
