// The policies by their command-line names, for tools that let users pick one.
import type { FitPolicy } from "@osmem/core";
import { bestFit } from "./best-fit.js";
import { compactFit } from "./compact-fit.js";
import { firstFit } from "./first-fit.js";
import { indexedBestFit } from "./indexed-best-fit.js";
import { nextFit } from "./next-fit.js";
import { segregatedFit } from "./segregated-fit.js";
import { slabFit } from "./slab-fit.js";
import { tlsf } from "./tlsf.js";
import { worstFit } from "./worst-fit.js";

/** Every policy in this package, keyed by its `name`. */
export const POLICIES: Readonly<Record<string, FitPolicy>> = Object.freeze({
  [bestFit.name]: bestFit,
  [indexedBestFit.name]: indexedBestFit,
  [firstFit.name]: firstFit,
  [nextFit.name]: nextFit,
  [worstFit.name]: worstFit,
  [segregatedFit.name]: segregatedFit,
  [tlsf.name]: tlsf,
  [compactFit.name]: compactFit,
  [slabFit.name]: slabFit,
});

/** The policy named `name`, or undefined. */
export const tryGetPolicy = (name: string): FitPolicy | undefined =>
  Object.prototype.hasOwnProperty.call(POLICIES, name) ? POLICIES[name] : undefined;

/** The default policy (the reference best fit). */
export const DEFAULT_POLICY: FitPolicy = bestFit;
