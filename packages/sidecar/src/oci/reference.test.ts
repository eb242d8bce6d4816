import { describe, expect, it } from "vitest";
import { formatReference, parseReference } from "./reference.js";

const digest = `sha256:${"a".repeat(64)}`;

describe("image references", () => {
  it("parse registry, repository, tag and digest", () => {
    expect(parseReference("127.0.0.1:5000/sfn/runtime-node:22")).toEqual({
      registry: "127.0.0.1:5000",
      repository: "sfn/runtime-node",
      tag: "22",
      digest: undefined,
    });
    expect(parseReference(`registry.example/apps/echo@${digest}`)).toMatchObject({ tag: undefined, digest });
    expect(formatReference(parseReference(`r.example:443/a/b:1.0@${digest}`))).toBe(
      `r.example:443/a/b:1.0@${digest}`,
    );
  });

  it("reject references without a registry, with bad names or bad digests", () => {
    for (const bad of [
      "runtime-node:22",
      "r.example/UPPER",
      "r.example/a@sha256:xyz",
      "r.example/a:bad tag",
    ]) {
      expect(() => parseReference(bad)).toThrow(
        expect.objectContaining({ type: "ValidationError", code: "SFN_REFERENCE_INVALID" }),
      );
    }
  });
});
