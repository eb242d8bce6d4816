import { describe, expect, it } from "vitest";
import interfaceHashFile from "../interface-hash.json" with { type: "json" };
import { loadOperations, loadSchemas } from "../scripts/canonical-sources.js";
import { staleFiles } from "../scripts/generate.js";
import { computeInterfaceHash, INTERFACE_HASH } from "../src/index.js";

describe("generated code", () => {
  it("is up to date with schemas/ and operations/ (run `pnpm --filter @sfn/contracts generate`)", async () => {
    expect(await staleFiles()).toEqual([]);
  });

  it("records the interface hash of the current definitions", () => {
    const hash = computeInterfaceHash({
      schemas: loadSchemas().map((s) => s.json),
      operations: loadOperations().map((o) => o.json),
    });
    expect(INTERFACE_HASH).toBe(hash);
    expect(interfaceHashFile.interfaceHash).toBe(hash);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
