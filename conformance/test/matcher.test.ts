import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { match } from "../src/match/matcher.js";

const json = fc.jsonValue();

describe("match", () => {
  it("every JSON value matches itself", () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(match(v, JSON.parse(JSON.stringify(v)))).toEqual([]);
      }),
    );
  });

  it("an object matches any superset of its members (partial match)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string().filter((k) => !k.startsWith("$")),
          json,
        ),
        fc.dictionary(fc.string(), json),
        (expected, extra) => {
          const actual = { ...extra, ...expected };
          expect(match(expected, JSON.parse(JSON.stringify(actual)))).toEqual([]);
        },
      ),
    );
  });

  it("$exact rejects members not named", () => {
    expect(match({ $exact: true, reason: "token_expired" }, { reason: "token_expired" })).toEqual([]);
    expect(
      match({ $exact: true, reason: "token_expired" }, { reason: "token_expired", extra: 1 }),
    ).toHaveLength(1);
  });

  it("arrays must have the same length and match element by element", () => {
    expect(match([1, { a: 1 }], [1, { a: 1, b: 2 }])).toEqual([]);
    expect(match([1], [1, 2])[0]).toContain("expected 1 elements, got 2");
    expect(match([1, 2], [2, 1])).toHaveLength(2);
  });

  it("$absent requires the member to be missing, and a missing member fails any other expectation", () => {
    expect(match({ replyTo: "$absent" }, { callId: "x" })).toEqual([]);
    expect(match({ replyTo: "$absent" }, { replyTo: "t" })[0]).toContain("/replyTo: expected absent");
    expect(match({ replyTo: "$any" }, {})[0]).toContain("absent");
    expect(match({ v: null }, {})).toHaveLength(1);
  });

  it("placeholders test the form of a value", () => {
    expect(match("$uuid", "0b7e6f0c-9a51-4d2e-8c3b-5f1a2d4e6b70")).toEqual([]);
    expect(match("$uuid", "not-a-uuid")).toHaveLength(1);
    expect(match("$timestamp", "2026-01-01T00:00:00.000Z")).toEqual([]);
    expect(match("$timestamp", "2026-01-01")).toHaveLength(1);
    expect(match("$callId", "wajgXSufTmqNPHsfDiqdTA")).toEqual([]);
    expect(match("$callId", "short")).toHaveLength(1);
    expect(match("$sha256", "a".repeat(64))).toEqual([]);
    expect(match("$integer", 3)).toEqual([]);
    expect(match("$integer", 3.5)).toHaveLength(1);
    expect(match("$number", "3")).toHaveLength(1);
    expect(match("$string", 3)).toHaveLength(1);
    expect(match("$boolean", false)).toEqual([]);
    expect(match("$epochMs", 1767225600000)).toEqual([]);
  });

  it("$integer accepts exactly the safe and unsafe integers JSON can carry", () => {
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(match("$integer", n)).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(match("$integer", d)).toHaveLength(1);
      }),
    );
  });

  it("$regex, $lte (numbers and decimal strings), $length", () => {
    expect(match({ $regex: "^00-4bf9" }, "00-4bf92f")).toEqual([]);
    expect(match({ $regex: "^00-(?!b7ad)" }, "00-b7ad")).toHaveLength(1);
    expect(match({ $lte: "1767225630000" }, "1767225629999")).toEqual([]);
    expect(match({ $lte: "1767225630000" }, "1767225630001")).toHaveLength(1);
    expect(match({ $lte: 5 }, 5)).toEqual([]);
    expect(match({ $length: 2 }, [1, 2])).toEqual([]);
    expect(match({ $length: 2 }, "abc")).toHaveLength(1);
  });

  it("$lte agrees with numeric order for any two integers", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (a, b) => {
        expect(match({ $lte: String(b) }, String(a)).length === 0).toBe(a <= b);
      }),
    );
  });

  it("$containsAll finds each item in any order", () => {
    const violations = [
      { path: "/body/parameters/b", keyword: "maximum" },
      { path: "/body/parameters/a", keyword: "type", message: "must be integer" },
    ];
    expect(
      match(
        {
          $containsAll: [
            { path: "/body/parameters/a", keyword: "type", message: "$string" },
            { keyword: "maximum" },
          ],
        },
        violations,
      ),
    ).toEqual([]);
    expect(match({ $containsAll: [{ keyword: "additionalProperties" }] }, violations)).toHaveLength(1);
    fc.assert(
      fc.property(fc.array(fc.integer()), (xs) => {
        const shuffled = [...xs].reverse();
        expect(match({ $containsAll: xs }, shuffled)).toEqual([]);
      }),
    );
  });

  it("names the JSON Pointer of each mismatch", () => {
    expect(match({ body: { error: { code: "A" } } }, { body: { error: { code: "B" } } })).toEqual([
      '/body/error/code: expected "A", got "B"',
    ]);
  });
});
