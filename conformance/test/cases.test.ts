import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCodes } from "@sfn/contracts";
import type { AnySchema } from "ajv";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const repo = join(root, "..");
const contractsSchemas = join(repo, "packages", "contracts", "schemas");

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const readJson = (file: string): Json => JSON.parse(readFileSync(file, "utf8")) as Json;
const asObject = (value: Json | undefined): JsonObject =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
const asArray = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);
const asString = (value: Json | undefined): string | undefined =>
  typeof value === "string" ? value : undefined;

function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(dir, name))
    .sort();
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.keyword}: ${e.message ?? ""}`).join("\n");
}

// ---------------------------------------------------------------------------------------------- schemas

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // ajv-formats is CommonJS; under NodeNext its default import is the module object (as in @sfn/contracts).
  addFormats.default(ajv);
  return ajv;
}

const ajv = newAjv();
const capabilitiesSchema = readJson(join(root, "schema", "capabilities.schema.json")) as AnySchema;
ajv.addSchema(capabilitiesSchema);
const validateCase = ajv.compile(readJson(join(root, "schema", "case.schema.json")) as AnySchema);
const validateCapabilities: ValidateFunction = (() => {
  const v = ajv.getSchema("https://schemas.sfn.dev/conformance/capabilities.schema.json");
  if (!v) throw new Error("capabilities.schema.json did not compile");
  return v;
})();
const validateRuntime = ajv.compile(readJson(join(root, "schema", "runtime.schema.json")) as AnySchema);

const capabilityNames: string[] = asArray(
  asObject(asObject(asObject(capabilitiesSchema as Json).$defs).capabilityName).enum,
).filter((v): v is string => typeof v === "string");

// ---------------------------------------------------------------------------------------------- sources of truth

const protocolText = readFileSync(join(repo, "docs", "protocol.md"), "utf8");
const ruleIds = new Set([...protocolText.matchAll(/\*\*(P-[A-Z]+-[0-9]+)\*\*/g)].map((m) => m[1] as string));

const sfnCodesIn = (text: string): Set<string> => new Set(text.match(/\bSFN_[A-Z0-9_]*[A-Z0-9]\b/g) ?? []);
const platformCodes = new Set<string>([...Object.values(ErrorCodes), ...sfnCodesIn(protocolText)]);
// The DataStore's codes (filter, paging, ...) are raised by its SQL and documented by docs/datastore.md
// ("ValidationError with a specific code"), not by protocol.md; they are accepted in datastore cases only.
const datastoreSqlDir = join(repo, "packages", "datastore", "sql");
const datastoreCodes = new Set<string>([
  ...sfnCodesIn(readFileSync(join(repo, "docs", "datastore.md"), "utf8")),
  ...listFiles(datastoreSqlDir, ".sql").flatMap((f) => [...sfnCodesIn(readFileSync(f, "utf8"))]),
]);
const datastoreAreas = new Set(["datastore", "authz"]);

const contract = asObject(readJson(join(root, "contract.json")));
const contractFunctions = asObject(contract.functions);
const contractDefinitions = asObject(contract.definitions);

/** GitHub-style heading anchors of a markdown file. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m?.[1]) continue;
    anchors.add(
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 _-]/g, "")
        .replace(/ /g, "-"),
    );
  }
  return anchors;
}

/** Compiles a contract definition as the runtime would (P-LIFE-5): refs resolve within the contract. */
const contractAjv = newAjv();
const inputValidators = new Map<string, ValidateFunction>();
function inputValidator(fn: string): ValidateFunction | undefined {
  const spec = asObject(contractFunctions[fn]);
  const input = asString(spec.input);
  if (!input) return undefined;
  let v = inputValidators.get(fn);
  if (!v) {
    v = contractAjv.compile({ definitions: contractDefinitions, $ref: `#/definitions/${input}` });
    inputValidators.set(fn, v);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------- cases

interface LoadedCase {
  file: string;
  rel: string;
  json: JsonObject;
}

const caseFiles = listFiles(join(root, "cases"), ".case.json");
const cases: LoadedCase[] = caseFiles.map((file) => ({
  file,
  rel: relative(root, file).split(sep).join("/"),
  json: asObject(readJson(file)),
}));
const caseIds = new Set(cases.map((c) => asString(c.json.id) ?? ""));

const BUILTIN_VARIABLES = new Set([
  "p",
  "replyTopic",
  "rawReplyTopic",
  "callId",
  "messageId",
  "now",
  "token",
  "user",
  "fresh",
  "maxPayloadBytes",
]);

function collectStrings(value: Json | undefined, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      collectStrings(v, out);
    }
  }
  return out;
}

/** Contract functions that only work on a runtime hosting this subsystem. */
const CAPABILITY_OF_FUNCTION: Record<string, string> = {
  createDoc: "datastore",
  getDoc: "datastore",
  queryDocs: "datastore",
  updateDoc: "datastore",
  deleteDoc: "datastore",
  counter: "datastore",
  grantPermission: "authorizer",
  checkPermission: "authorizer",
  notify: "messaging",
  callOther: "nestedCalls",
  binaryEcho: "binaryTransfer",
  badResult: "resultValidation",
};

const containsVariable = (value: Json | undefined): boolean =>
  collectStrings(value).some((s) => s.includes("${"));

/** Codes the case expects on the reply to step `ref`. */
function expectedCodes(json: JsonObject, ref: string): string[] {
  return asArray(asObject(json.then).replies)
    .map(asObject)
    .filter((r) => r.to === ref)
    .map((r) => asString(asObject(r.error).code))
    .filter((c): c is string => c !== undefined);
}

describe("case files", () => {
  it("there are at least 60 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it("case ids are unique", () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const c of cases) {
      const id = asString(c.json.id) ?? "";
      const other = seen.get(id);
      if (other) duplicates.push(`${id}: ${other} and ${c.rel}`);
      seen.set(id, c.rel);
    }
    expect(duplicates).toEqual([]);
  });

  for (const c of cases) {
    // The case id is the test name, verbatim (STYLE item 6); fall back to the path if it is missing.
    const id = asString(c.json.id) ?? c.rel;
    describe(id, () => {
      it("is valid against schema/case.schema.json", () => {
        const valid = validateCase(c.json);
        expect(valid, formatErrors(validateCase.errors)).toBe(true);
      });

      it("id equals its path cases/<area>/<operation>/<scenario>.case.json", () => {
        const parts = c.rel.split("/");
        expect(parts.length).toBe(4);
        const scenario = basename(c.rel, ".case.json");
        expect(id).toBe(`${parts[1]}.${parts[2]}.${scenario}`);
      });

      it("cites only rule ids that exist in docs/protocol.md", () => {
        const unknown = asArray(c.json.rules).filter((r) => typeof r !== "string" || !ruleIds.has(r));
        expect(unknown).toEqual([]);
      });

      it("references only existing documents and headings", () => {
        for (const ref of asArray(c.json.references)) {
          const [path, anchor] = String(ref).split("#");
          const file = join(repo, path ?? "");
          expect(existsSync(file), `${path} exists`).toBe(true);
          expect([...anchorsOf(file)], `${path} has a heading #${anchor}`).toContain(anchor);
        }
      });

      it("requires only declared capability names", () => {
        const unknown = asArray(c.json.requires).filter(
          (r) => typeof r !== "string" || !capabilityNames.includes(r),
        );
        expect(unknown).toEqual([]);
      });

      const steps = asArray(c.json.when).map(asObject);
      const stepRefs = new Map<string, string>();
      for (const s of steps) {
        const ref = asString(s.ref);
        if (ref) stepRefs.set(ref, asString(s.step) ?? "");
      }
      const seedRefs = new Set(
        asArray(asObject(c.json.given).documents)
          .map((d) => asString(asObject(d).ref))
          .filter((r): r is string => r !== undefined),
      );

      it("calls only functions of contract.json (an unknown one only when expecting SFN_FUNCTION_NOT_FOUND)", () => {
        for (const s of steps.filter((s) => s.step === "call")) {
          const fn = asString(s.function) ?? "";
          if (fn in contractFunctions) continue;
          const codes = expectedCodes(c.json, asString(s.ref) ?? "");
          const anonymous = s.token === "none";
          expect(
            codes.includes("SFN_FUNCTION_NOT_FOUND") || (anonymous && codes.includes("SFN_UNAUTHENTICATED")),
            `${fn} is not in contract.json and the case does not expect it to be rejected`,
          ).toBe(true);
        }
      });

      it("requires the capability behind every function it expects to succeed", () => {
        const requires = asArray(c.json.requires);
        for (const s of steps.filter((s) => s.step === "call")) {
          const needed = CAPABILITY_OF_FUNCTION[asString(s.function) ?? ""];
          const succeeds = asArray(asObject(c.json.then).replies)
            .map(asObject)
            .some((r) => r.to === s.ref && "result" in r);
          if (needed && succeeds) expect(requires, `${String(s.function)} needs ${needed}`).toContain(needed);
        }
      });

      it("sends parameters that agree with the contract's input schema and the expected outcome", () => {
        for (const s of steps.filter((s) => s.step === "call")) {
          const fn = asString(s.function) ?? "";
          const validate = inputValidator(fn);
          if (!validate || containsVariable(s.parameters ?? null)) continue;
          const codes = expectedCodes(c.json, asString(s.ref) ?? "");
          const valid = validate(s.parameters ?? null);
          if (codes.includes("SFN_PARAMETERS_INVALID")) {
            expect(valid, `${fn} parameters are meant to be invalid`).toBe(false);
          } else if (
            !codes.some((code) => code.startsWith("SFN_UNAUTH") || code === "SFN_ENVELOPE_INVALID")
          ) {
            expect(valid, `${fn}: ${formatErrors(validate.errors)}`).toBe(true);
          }
        }
      });

      it("expects only documented error codes (application codes only when the case raises them)", () => {
        const [area] = id.split(".");
        const raised = new Set(
          steps
            .filter((s) => s.step === "call")
            .flatMap((s) => collectStrings(s.parameters ?? null))
            .filter((v) => /^[A-Z][A-Z0-9_]{1,63}$/.test(v)),
        );
        const codes = asArray(asObject(c.json.then).replies)
          .map((r) => asString(asObject(asObject(r).error).code))
          .filter((code): code is string => code !== undefined);
        for (const code of codes) {
          if (code.startsWith("SFN_")) {
            const known =
              platformCodes.has(code) || (datastoreAreas.has(area ?? "") && datastoreCodes.has(code));
            expect(known, `${code} is neither in ErrorCodes nor documented`).toBe(true);
          } else {
            expect(raised.has(code), `application code ${code} is not raised by the case itself`).toBe(true);
          }
        }
      });

      it("refers only to steps, queries and seeds that exist", () => {
        const then = asObject(c.json.then);
        for (const r of asArray(then.replies).map(asObject)) {
          expect(["call", "publishRaw"], `reply expectation 'to: ${String(r.to)}'`).toContain(
            stepRefs.get(asString(r.to) ?? ""),
          );
        }
        for (const d of asArray(then.database).map(asObject)) {
          expect(stepRefs.get(asString(d.query) ?? ""), `database expectation '${String(d.query)}'`).toBe(
            "queryDatabase",
          );
        }
        const variables = collectStrings(c.json as Json).flatMap((s) =>
          [...s.matchAll(/\$\{([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1] as string),
        );
        for (const v of variables) {
          expect(BUILTIN_VARIABLES.has(v) || stepRefs.has(v) || seedRefs.has(v), `variable \${${v}…}`).toBe(
            true,
          );
        }
      });

      it("never asserts on error message text except the fixed SFN_INTERNAL text of P-ERR-3", () => {
        for (const r of asArray(asObject(c.json.then).replies).map(asObject)) {
          const error = asObject(asObject(asObject(r.envelope).body).error);
          if ("message" in error) {
            expect(asString(asObject(r.error).code)).toBe("SFN_INTERNAL");
            expect(error.message).toBe("internal error");
          }
        }
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------- capabilities and runtimes

describe("capabilities/<lang>.json", () => {
  const files = listFiles(join(root, "capabilities"), ".json");
  it("declares node and python", () => {
    expect(files.map((f) => basename(f, ".json"))).toEqual(expect.arrayContaining(["node", "python"]));
  });
  for (const file of files) {
    const lang = basename(file, ".json");
    const json = asObject(readJson(file));
    it(`${lang}: is valid, names itself, and lists expected failures of existing cases`, () => {
      expect(validateCapabilities(json), formatErrors(validateCapabilities.errors)).toBe(true);
      expect(json.language).toBe(lang);
      for (const f of asArray(json.expectedFailures).map(asObject)) {
        expect(caseIds.has(asString(f.case) ?? ""), `expected failure ${String(f.case)} is a case`).toBe(
          true,
        );
      }
    });
  }
  it("node claims every capability", () => {
    const node = asObject(readJson(join(root, "capabilities", "node.json")));
    expect([...asArray(node.capabilities)].sort()).toEqual([...capabilityNames].sort());
  });
});

describe("runtimes/<lang>.json", () => {
  const files = listFiles(join(root, "runtimes"), ".json");
  it("describes node and python", () => {
    expect(files.map((f) => basename(f, ".json"))).toEqual(expect.arrayContaining(["node", "python"]));
  });
  for (const file of files) {
    const lang = basename(file, ".json");
    const json = asObject(readJson(file));
    it(`${lang}: is valid and names itself`, () => {
      expect(validateRuntime(json), formatErrors(validateRuntime.errors)).toBe(true);
      expect(json.language).toBe(lang);
      expect(existsSync(join(root, "capabilities", `${lang}.json`)), "has a capabilities file").toBe(true);
    });
  }
});

// ---------------------------------------------------------------------------------------------- vectors

describe("vectors/tokens.json", () => {
  it("defines exactly the crafted tokens the case schema allows, each with an outcome of protocol.md §8.3", () => {
    const caseSchema = asObject(readJson(join(root, "schema", "case.schema.json")));
    const allowed = asArray(
      asObject(asObject(asObject(asObject(caseSchema.$defs).callStep).properties).token).enum,
    );
    const vectors = asArray(asObject(readJson(join(root, "vectors", "tokens.json"))).vectors).map(asObject);
    expect(vectors.map((v) => v.token).sort()).toEqual([...allowed].sort());
    const reasons = new Set(
      asArray(asObject(readJson(join(contractsSchemas, "identity", "AuthFailureReason.schema.json"))).enum),
    );
    for (const v of vectors) {
      const expected = asObject(v.expect);
      if (expected.outcome === "success") continue;
      expect(platformCodes.has(asString(expected.code) ?? ""), `${String(v.token)}: code`).toBe(true);
      if (expected.reason !== undefined)
        expect(reasons.has(expected.reason), `${String(v.token)}: reason`).toBe(true);
    }
  });

  it("every AuthFailureReason is reachable on the wire by some case", () => {
    const reasons = asArray(
      asObject(readJson(join(contractsSchemas, "identity", "AuthFailureReason.schema.json"))).enum,
    ).filter((r): r is string => typeof r === "string");
    const expected = new Set(
      cases.flatMap((c) =>
        asArray(asObject(c.json.then).replies).map((r) =>
          asString(asObject(asObject(asObject(r).error).details).reason),
        ),
      ),
    );
    // token_too_large is caught first by envelope validation (SFN_ENVELOPE_INVALID, protocol.md §8.3).
    const missing = reasons.filter((r) => r !== "token_too_large" && !expected.has(r));
    expect(missing).toEqual([]);
    expect(caseIds.has("auth.token.too-large")).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------- contract

describe("contract.json", () => {
  it("is a valid ServiceContract", () => {
    const contractsAjv = newAjv();
    contractsAjv.addSchema(
      readJson(join(contractsSchemas, "contract", "FunctionSpec.schema.json")) as AnySchema,
    );
    const validate = contractsAjv.compile(
      readJson(join(contractsSchemas, "contract", "ServiceContract.schema.json")) as AnySchema,
    );
    expect(validate(contract), formatErrors(validate.errors)).toBe(true);
  });

  it("has every function the issue lists", () => {
    expect(Object.keys(contractFunctions)).toEqual(
      expect.arrayContaining([
        "echo",
        "add",
        "whoami",
        "createDoc",
        "getDoc",
        "queryDocs",
        "updateDoc",
        "deleteDoc",
        "grantPermission",
        "checkPermission",
        "notify",
        "callOther",
        "failBusiness",
        "slow",
        "counter",
        "binaryEcho",
      ]),
    );
  });

  it("compiles every input and output definition, with refs resolved within the contract", () => {
    for (const [name, spec] of Object.entries(contractFunctions)) {
      for (const key of ["input", "output"] as const) {
        const def = asString(asObject(spec)[key]) ?? "";
        expect(def in contractDefinitions, `${name}.${key} = ${def} is defined`).toBe(true);
        expect(() =>
          contractAjv.compile({ definitions: contractDefinitions, $ref: `#/definitions/${def}` }),
        ).not.toThrow();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------- coverage

afterAll(() => {
  const perArea = new Map<string, number>();
  const cited = new Set<string>();
  const perCapability = new Map<string, number>();
  for (const c of cases) {
    const area = (asString(c.json.id) ?? "?").split(".")[0] ?? "?";
    perArea.set(area, (perArea.get(area) ?? 0) + 1);
    for (const r of asArray(c.json.rules)) if (typeof r === "string") cited.add(r);
    for (const r of asArray(c.json.requires))
      if (typeof r === "string") perCapability.set(r, (perCapability.get(r) ?? 0) + 1);
  }
  const uncited = [...ruleIds].filter((r) => !cited.has(r)).sort();
  const lines = [
    "",
    `conformance coverage: ${cases.length} cases, ${cited.size}/${ruleIds.size} protocol rules cited`,
    ...[...perArea.entries()].sort().map(([area, n]) => `  ${area.padEnd(12)} ${String(n).padStart(4)}`),
    `  capabilities required: ${[...perCapability.entries()]
      .sort()
      .map(([k, n]) => `${k}=${n}`)
      .join(", ")}`,
    `  rules no case cites yet (gaps, protocol.md §16): ${uncited.join(", ")}`,
    "",
  ];
  console.log(lines.join("\n"));
});
