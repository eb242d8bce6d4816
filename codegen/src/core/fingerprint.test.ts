import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fingerprintOf, generatorFingerprint } from "./fingerprint.js";

const root = mkdtempSync(join(tmpdir(), "sfn-codegen-fingerprint-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const put = (path: string, text: string): string => {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
  return join(root, path);
};

describe("generator fingerprint (part of the contract cache key)", () => {
  it("changes with any code file of a built bundle, not with source maps", () => {
    const self = put("dist/chunk-a.js", "export const a = 1;\n");
    put("dist/index.cjs", "module.exports = {};\n");
    const before = fingerprintOf(self);
    put("dist/index.cjs.map", "{}");
    expect(fingerprintOf(self)).toBe(before);
    put("dist/index.cjs", "module.exports = { b: 2 };\n");
    expect(fingerprintOf(self)).not.toBe(before);
  });

  it("covers the whole src/ tree when run from TypeScript sources, tests excluded", () => {
    const self = put("pkg/src/core/fingerprint.ts", "export {};\n");
    put("pkg/src/languages/go/types.ts", "export const x = 1;\n");
    const before = fingerprintOf(self);
    put("pkg/src/core/fingerprint.test.ts", "it();\n");
    expect(fingerprintOf(self)).toBe(before);
    put("pkg/src/languages/go/types.ts", "export const x = 2;\n");
    expect(fingerprintOf(self)).not.toBe(before);
  });

  it("is stable within a process", () => {
    expect(generatorFingerprint()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(generatorFingerprint()).toBe(generatorFingerprint());
  });
});
