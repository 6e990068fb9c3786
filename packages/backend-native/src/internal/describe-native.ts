// Test-only helper: registers a native suite when the addon loads (and, for a suite that grows the
// process break, when that break can grow), and otherwise a skipped suite whose title carries the
// one-line reason, so a machine or process that cannot run it shows why nothing ran.
import { describe } from "vitest";
import { processBreakBlockedReason } from "../break-probe.js";
import { nativeBackendUnavailableReason } from "../load-binding.js";

/**
 * `describe.runIf(isNativeBackendAvailable())`, plus a visible skip naming the reason when not. With
 * `growsProcessBreak`, the suite also needs a break that can grow in this process (see
 * `isProcessBreakMovable`), and is skipped, saying so, in the rare process where it cannot.
 */
export function describeNative(title: string, body: () => void, options: { growsProcessBreak?: boolean } = {}): void {
  const reason = nativeBackendUnavailableReason() ?? (options.growsProcessBreak === true ? processBreakBlockedReason() : undefined);
  describe.runIf(reason === undefined)(reason === undefined ? title : `${title} (skipped: ${reason})`, body);
}
