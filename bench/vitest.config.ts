import { osmemProject } from "@osmem/vitest-config";

export default osmemProject("bench");
