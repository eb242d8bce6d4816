import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../db/rows.js";
import { checkCompatibility } from "./compatibility.js";

const base = { image: `r.example/sfn/runtime-node@sha256:${"b".repeat(64)}`, interfaceHash: "sha256:base" };
const entry = (overrides: Partial<CatalogEntry> = {}) =>
  ({
    appName: "Echo",
    version: "1",
    baseImage: base.image,
    interfaceHash: "sha256:base",
    breakingApproved: false,
    ...overrides,
  }) as CatalogEntry;

describe("interface compatibility", () => {
  it("accepts an equal hash", () => {
    expect(checkCompatibility(entry(), base)).toBe("equal");
  });
  it("accepts a hash in the base's declared compatible range", () => {
    expect(
      checkCompatibility(entry({ interfaceHash: "sha256:old" }), {
        ...base,
        compatibleInterfaceHashes: ["sha256:old"],
      }),
    ).toBe("declared-compatible");
  });
  it("refuses another hash unless the catalog approved the breaking difference", () => {
    expect(() => checkCompatibility(entry({ interfaceHash: "sha256:other" }), base)).toThrow(
      expect.objectContaining({ type: "Conflict", code: "SFN_INTERFACE_INCOMPATIBLE" }),
    );
    expect(checkCompatibility(entry({ interfaceHash: "sha256:other", breakingApproved: true }), base)).toBe(
      "approved",
    );
  });
  it("refuses an application built on another base image, approved or not", () => {
    const other = `r.example/sfn/runtime-node@sha256:${"c".repeat(64)}`;
    expect(() => checkCompatibility(entry({ baseImage: other, breakingApproved: true }), base)).toThrow(
      expect.objectContaining({ code: "SFN_BASE_IMAGE_MISMATCH" }),
    );
  });
});
