import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globToRegExp, selectCases } from "../src/load/select.js";
import type { Case } from "../src/model.js";

const ids = ["runtime.call.echo-success", "delivery.dedup.duplicate-callid", "delivery.kill.broker-restart"];
const cases = ids.map((id) => ({ id }) as Case);

describe("case selection", () => {
  it("selects by glob, by comma lists, and everything without a glob", () => {
    expect(selectCases(cases, ["delivery.*"]).map((c) => c.id)).toEqual(ids.slice(1));
    expect(selectCases(cases, ["*.dedup.*,runtime.call.echo-success"]).map((c) => c.id)).toEqual([
      ids[0],
      ids[1],
    ]);
    expect(selectCases(cases, [])).toHaveLength(3);
    expect(selectCases(cases, ["runtime.call.echo"])).toHaveLength(0);
  });

  it("a glob without wildcards matches exactly that id (dots and other characters are literal)", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/[*?]/.test(s)),
        fc.string(),
        (id, other) => {
          const r = globToRegExp(id);
          expect(r.test(id)).toBe(true);
          if (other !== id) expect(r.test(other)).toBe(false);
        },
      ),
    );
  });
});
