import { createHash } from "node:crypto";
import { SystemError } from "@sfn/contracts";
import { SidecarErrorCodes } from "../errors.js";

/** `sha256:<hex>` of the bytes. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Throws SFN_DIGEST_MISMATCH unless the bytes hash to `expected`. */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  const actual = sha256Digest(bytes);
  if (actual !== expected) {
    throw new SystemError(`${what}: content digest ${actual} does not match ${expected}`, {
      code: SidecarErrorCodes.digestMismatch,
      details: { expected, actual, what },
      retryable: false,
    });
  }
}
