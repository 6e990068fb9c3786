// Whether the native backend can run here, for the test files that need it: the module when it
// loads, else the one-line reason, and a title suffix that makes a skipped suite say why.

type NativeModule = typeof import("@osmem/backend-native");

const loaded: NativeModule | string = await import("@osmem/backend-native").catch((error: unknown) => String(error));

/** The native backend's module when it is installed and its addon loads; undefined otherwise. */
export const native: NativeModule | undefined =
  typeof loaded !== "string" && loaded.isNativeBackendAvailable() ? loaded : undefined;

/** Why the native backend cannot run here, or undefined when it can. */
export const nativeUnavailable: string | undefined =
  typeof loaded === "string" ? `not installed: ${loaded}` : (loaded.nativeBackendUnavailableReason() ?? undefined);

/** `title`, plus ` (skipped: reason)` when `reason` is set, so a skipped suite says why in its name. */
export const titled = (title: string, reason: string | undefined): string => (reason === undefined ? title : `${title} (skipped: ${reason})`);

/** Why this process's real break cannot grow, or undefined when it can (or native is unavailable). */
export const processBreakBlocked: string | undefined = native?.processBreakBlockedReason();
