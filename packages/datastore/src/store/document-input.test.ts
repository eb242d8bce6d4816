import { describe, expect, it } from "vitest";
import { serialiseDocument, serialiseDocuments } from "./document-input.js";

describe("document input", () => {
  it("accepts objects and serialises a batch as one JSON array", () => {
    expect(serialiseDocuments([{ a: 1 }, { b: "x" }], 1000)).toBe('[{"a":1},{"b":"x"}]');
  });

  it.each([null, [1], "s", 3])("rejects %j as a document", (doc) => {
    expect(() => serialiseDocument(doc, 1000)).toThrow(
      expect.objectContaining({ code: "SFN_DOCUMENT_INVALID" }),
    );
  });

  it("rejects what JSON cannot represent", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serialiseDocument(cyclic, 1000)).toThrow(
      expect.objectContaining({ code: "SFN_DOCUMENT_INVALID" }),
    );
    expect(() => serialiseDocument({ n: 1n }, 1000)).toThrow(
      expect.objectContaining({ code: "SFN_DOCUMENT_INVALID" }),
    );
  });

  it("stops oversized documents before they travel, naming the index", () => {
    expect(() => serialiseDocuments([{ a: 1 }, { s: "x".repeat(20_000) }], 10_000)).toThrow(
      expect.objectContaining({
        code: "SFN_DOCUMENT_TOO_LARGE",
        details: expect.objectContaining({ index: 1 }),
      }),
    );
  });
});
