import { ValidationError } from "@sfn/contracts";
import { DataStoreErrorCodes } from "../errors/codes.js";

/**
 * Serialises documents and checks what can be checked before a round trip: plain objects, JSON-
 * serialisable, within the size limit. The SQL checks all of it again (other languages rely on that).
 */
export function serialiseDocuments(documents: readonly unknown[], maxBytes: number): string {
  const parts: string[] = [];
  documents.forEach((document, index) => {
    parts.push(serialiseDocument(document, maxBytes, index));
  });
  return `[${parts.join(",")}]`;
}

export function serialiseDocument(document: unknown, maxBytes: number, index = 0): string {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new ValidationError("a document must be a JSON object", {
      code: DataStoreErrorCodes.documentInvalid,
      details: { index },
    });
  }
  let text: string;
  try {
    text = JSON.stringify(document);
  } catch (cause) {
    throw new ValidationError("the document is not JSON-serialisable", {
      code: DataStoreErrorCodes.documentInvalid,
      details: { index },
      cause,
    });
  }
  // JSON text is at least as long in UTF-8 bytes as in UTF-16 units; count bytes only near the limit.
  if (text.length > maxBytes / 3) {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > maxBytes + 4096) {
      throw new ValidationError(`the document has about ${bytes} bytes, the limit is ${maxBytes}`, {
        code: DataStoreErrorCodes.documentTooLarge,
        details: { index, bytes, limit: maxBytes },
      });
    }
  }
  return text;
}

export function assertCollectionName(collection: unknown): asserts collection is string {
  if (typeof collection !== "string") {
    throw new ValidationError("collection must be a string", {
      code: DataStoreErrorCodes.nameInvalid,
      details: { field: "collection" },
    });
  }
}
