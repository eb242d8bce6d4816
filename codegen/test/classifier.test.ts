import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { classifyContracts } from "../src/compat/classify.js";
import { loadContract } from "../src/contract/load.js";
import { packageRoot } from "./support/toolchain.js";

type Doc = Record<string, unknown> & {
  functions: Record<string, unknown>;
  definitions: Record<string, Record<string, unknown>>;
};
const order = (): Doc =>
  JSON.parse(readFileSync(join(packageRoot, "test/contracts/order-service.contract.json"), "utf8"));
const classify = (a: Doc, b: Doc) => classifyContracts(loadContract(a), loadContract(b));
const props = (d: Doc, def: string) =>
  d.definitions[def]!.properties as Record<string, Record<string, unknown>>;

describe("contract compatibility classifier", () => {
  it("identical contracts: none", () => {
    expect(classify(order(), order())).toEqual({ verdict: "none", differences: [] });
  });

  it("new optional input field and new function: additive", () => {
    const b = order();
    props(b, "ProcessOrderRequest_v2").coupon = { type: "string" };
    b.functions.cancelOrder = { input: "GetOrderRequest", output: "Order" };
    const r = classify(order(), b);
    expect(r.verdict).toBe("additive");
    expect(r.differences.map((d) => [d.pointer, d.rule])).toEqual([
      ["/definitions/ProcessOrderRequest_v2/properties/coupon", "optional-property-added"],
      ["/functions/cancelOrder", "function-added"],
    ]);
  });

  it("removed field, new required input, tightened constraint, removed function: breaking with pointers", () => {
    const b = order();
    delete props(b, "Address").postcode;
    props(b, "ProcessOrderRequest_v2").coupon = { type: "string" };
    (b.definitions.ProcessOrderRequest_v2!.required as string[]).push("coupon");
    props(b, "OrderLine").sku = { type: "string", maxLength: 32 };
    delete b.functions.getOrder;
    b.backwardCompatible = ["2.1.0"];
    b.schemaVersion = "2.2.0";
    const r = classify(order(), b);
    expect(r.verdict).toBe("breaking");
    const got = r.differences.filter((d) => d.severity === "breaking").map((d) => `${d.pointer} ${d.rule}`);
    expect(got).toEqual(
      expect.arrayContaining([
        "/definitions/Address/properties/postcode property-removed",
        "/definitions/ProcessOrderRequest_v2/properties/coupon required-property-added",
        "/definitions/OrderLine/properties/sku/maxLength constraint-tightened",
        "/functions/getOrder function-removed",
        "/backwardCompatible compatibility-claim-false",
      ]),
    );
  });

  it("output direction: a new enum value or a type change in an output is breaking, loosening an input is additive", () => {
    const b = order();
    (b.definitions.OrderStatus!.enum as string[]).push("refunded");
    props(b, "ProcessOrderResponse_v2").total = { type: "string" };
    props(b, "Address").street = { type: "string", minLength: 1, maxLength: 400 };
    const r = classify(order(), b);
    const rules = r.differences.map((d) => `${d.severity} ${d.pointer} ${d.rule}`);
    expect(rules).toContain("breaking /definitions/OrderStatus/enum enum-value-added");
    expect(rules).toContain(
      "breaking /definitions/ProcessOrderResponse_v2/properties/total/type type-changed",
    );
    expect(rules).toContain("additive /definitions/Address/properties/street/maxLength constraint-loosened");
  });

  it("another format or pattern is breaking in both directions; adding one to an output is additive", () => {
    const b = order();
    props(b, "Address").postcode = { type: "string", pattern: "^[0-9]{5}$" };
    props(b, "ProcessOrderResponse_v2").orderId = { type: "string", format: "date" };
    props(b, "Order").createdAt = { type: "string", format: "date-time", pattern: "Z$" };
    const rules = classify(order(), b).differences.map((d) => `${d.severity} ${d.pointer} ${d.rule}`);
    expect(rules).toContain("breaking /definitions/Address/properties/postcode/pattern constraint-changed");
    expect(rules).toContain(
      "breaking /definitions/ProcessOrderResponse_v2/properties/orderId/format constraint-changed",
    );
    expect(rules).toContain("additive /definitions/Order/properties/createdAt/pattern constraint-tightened");
  });

  it("renaming the output definition without changing its shape is neutral", () => {
    const b = order();
    b.definitions.OrderV3 = b.definitions.Order!;
    delete b.definitions.Order;
    (b.functions.getOrder as Record<string, string>).output = "OrderV3";
    const r = classify(order(), b);
    expect(r.verdict).toBe("none");
    expect(r.differences).toEqual([
      expect.objectContaining({
        pointer: "/functions/getOrder/output",
        rule: "definition-renamed",
        severity: "neutral",
      }),
    ]);
  });
});

describe("sfn-codegen contract diff", () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join(""), err: err.join("") };
  };
  const dir = mkdtempSync(join(tmpdir(), "sfn-codegen-diff-"));
  const file = (name: string, doc: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof doc === "string" ? doc : JSON.stringify(doc));
    return path;
  };

  it("exit 0 for additive, 1 for breaking, 2 for usage errors or invalid contracts", async () => {
    const old = file("old.json", order());
    const added = order();
    added.functions.cancelOrder = { input: "GetOrderRequest", output: "Order" };
    const removed = order();
    delete removed.functions.getOrder;
    const additive = await run(["contract", "diff", old, file("add.json", added)]);
    expect(additive.code).toBe(0);
    expect(additive.out).toContain("verdict: additive");
    const breaking = await run(["contract", "diff", old, file("rm.json", removed)]);
    expect(breaking.code).toBe(1);
    expect(breaking.out).toContain("BREAKING  /functions/getOrder  function-removed");
    expect((await run(["contract", "diff", old])).code).toBe(2);
    const invalid = await run(["contract", "diff", old, file("bad.json", "{")]);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain("SFN_CONTRACT_INVALID");
    const json = await run(["contract", "diff", old, file("rm2.json", removed), "--json"]);
    expect(JSON.parse(json.out).verdict).toBe("breaking");
  });
});
