import { createHash } from "node:crypto";
import { stableStringify } from "./stable-json.js";

/** `sha256:<hex>` of the key-sorted JSON of a value. */
export function hashJson(value: unknown): string {
  return `sha256:${createHash("sha256").update(stableStringify(value), "utf8").digest("hex")}`;
}

export function hashText(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}
