import { ConflictError } from "@sfn/contracts";
import type { CatalogEntry } from "../db/rows.js";
import { SidecarErrorCodes } from "../errors.js";

export interface BaseRuntime {
  /** The base image this pod runs (`registry/repository@sha256:…`). */
  image: string;
  /** Its platform interface hash. */
  interfaceHash: string;
  /** Hashes the base declares it also serves (its compatible range). */
  compatibleInterfaceHashes?: readonly string[];
}

export type CompatibilityVerdict = "equal" | "declared-compatible" | "approved";

/**
 * The base runtime must be the one the application was built on, and its interface hash equal to the
 * application's, or within the base's declared compatible range; anything else is a breaking
 * difference, accepted only when the catalog row carries the approval flag (`sfn catalog approve
 * --breaking`). Throws ConflictError SFN_BASE_IMAGE_MISMATCH / SFN_INTERFACE_INCOMPATIBLE.
 */
export function checkCompatibility(entry: CatalogEntry, base: BaseRuntime): CompatibilityVerdict {
  if (digestOf(entry.baseImage) !== digestOf(base.image)) {
    throw new ConflictError(
      `${entry.appName} ${entry.version} needs base ${entry.baseImage}; this pod runs ${base.image}`,
      {
        code: SidecarErrorCodes.baseImageMismatch,
        details: { required: entry.baseImage, present: base.image },
      },
    );
  }
  if (entry.interfaceHash === base.interfaceHash) return "equal";
  if (base.compatibleInterfaceHashes?.includes(entry.interfaceHash)) return "declared-compatible";
  if (entry.breakingApproved) return "approved";
  throw new ConflictError(
    `${entry.appName} ${entry.version} was built against interfaces ${entry.interfaceHash}; the base runtime has ${base.interfaceHash}`,
    {
      code: SidecarErrorCodes.interfaceIncompatible,
      details: { application: entry.interfaceHash, base: base.interfaceHash },
    },
  );
}

/** Compares by digest when both references carry one, else by the whole reference. */
function digestOf(reference: string): string {
  const at = reference.indexOf("@");
  return at < 0 ? reference : reference.slice(at + 1);
}
