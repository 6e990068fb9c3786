import { osmemProject } from "@osmem/vitest-config";

export default osmemProject("backend-native");
