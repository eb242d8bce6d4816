// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the case files' variable syntax, not a template literal
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dig, interpolate, substitute, UnknownVariableError } from "../src/match/variables.js";
import type { Json } from "../src/model.js";

const vars: Record<string, Json> = { p: "run/1/", "c.callId": "abc", "c.callIds": ["a", "b"], n: 5 };
const resolve = (name: string) => vars[name];

describe("substitute", () => {
  it("a string that is only a variable becomes its JSON value", () => {
    expect(substitute("${c.callIds}", resolve)).toEqual(["a", "b"]);
    expect(substitute("${n}", resolve)).toBe(5);
  });

  it("inside a longer string the value is interpolated", () => {
    expect(substitute("${p}conformance/${c.callId}", resolve)).toBe("run/1/conformance/abc");
    expect(interpolate("n=${n}", resolve)).toBe("n=5");
  });

  it("walks arrays, objects and object keys", () => {
    expect(substitute({ a: ["${c.callId}"], "${c.callId}": { x: "${n}" } } as Json, resolve)).toEqual({
      a: ["abc"],
      abc: { x: 5 },
    });
  });

  it("leaves placeholders and text without variables alone", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        fc.pre(!text.includes("${"));
        expect(substitute(v as Json, resolve)).toEqual(v);
      }),
    );
    expect(substitute({ a: "$uuid", b: "$absent" } as Json, resolve)).toEqual({ a: "$uuid", b: "$absent" });
  });

  it("an unknown variable throws UnknownVariableError naming it", () => {
    expect(() => substitute("${nope.x}", resolve)).toThrow(UnknownVariableError);
    expect(() => substitute("a ${nope}", resolve)).toThrow("${nope}");
  });

  it("dig follows dotted paths through objects and arrays", () => {
    expect(dig({ items: [{ id: "x" }] }, ["items", "0", "id"])).toBe("x");
    expect(dig({ a: 1 }, ["a", "b"])).toBeUndefined();
  });
});
