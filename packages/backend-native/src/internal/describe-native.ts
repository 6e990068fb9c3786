// Test-only helper: registers a native suite when the addon loads, and otherwise a skipped suite whose
// title carries the one-line reason, so a machine without the addon shows why nothing ran.
import { describe } from "vitest";
import { nativeBackendUnavailableReason } from "../load-binding.js";

/** `describe.runIf(isNativeBackendAvailable())`, plus a visible skip naming the reason when not. */
export function describeNative(title: string, body: () => void): void {
  const reason = nativeBackendUnavailableReason();
  describe.runIf(reason === undefined)(reason === undefined ? title : `${title} (skipped: ${reason})`, body);
}
