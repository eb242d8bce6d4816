import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface EchoServiceOptions {
  name?: string;
  /** Returned by `echo`, so a caller sees which build answers. */
  label: string;
  /** The module never finishes loading: the runtime never becomes ready. */
  neverReady?: boolean;
  /** The module throws when it loads: the process exits before it is ready. */
  crashAtStart?: boolean;
  /** Adds this many bytes of incompressible data to the bundle (benchmark: a 10 MB layer). */
  padBytes?: number;
  /** Adds a required input field (a breaking contract change). */
  requireExtra?: boolean;
}

/** Writes a small service directory (sfn.config.json, contract, TypeScript entry) for the tests. */
export function writeEchoService(dir: string, options: EchoServiceOptions): string {
  const name = options.name ?? "EchoService";
  mkdirSync(join(dir, "src"), { recursive: true });
  const input: Record<string, unknown> = {
    type: "object",
    properties: { text: { type: "string" }, ...(options.requireExtra ? { extra: { type: "string" } } : {}) },
    required: options.requireExtra ? ["text", "extra"] : ["text"],
    additionalProperties: false,
  };
  const contract = {
    service: name,
    schemaVersion: "1.0.0",
    functions: { echo: { input: "EchoRequest", output: "EchoResponse", authenticated: false } },
    definitions: {
      EchoRequest: input,
      EchoResponse: {
        type: "object",
        properties: { text: { type: "string" }, label: { type: "string" } },
        required: ["text", "label"],
        additionalProperties: false,
      },
    },
  };
  writeFileSync(join(dir, "contract.json"), JSON.stringify(contract, null, 2));
  writeFileSync(
    join(dir, "sfn.config.json"),
    JSON.stringify({
      name,
      contract: "contract.json",
      entry: "src/echo.ts",
      dev: { grants: { admin: ["admin"] } },
    }),
  );
  const pad =
    options.padBytes === undefined
      ? ""
      : `export const padding = ${JSON.stringify(randomBytes(Math.ceil(options.padBytes * 0.75)).toString("base64"))};\n`;
  writeFileSync(
    join(dir, "src", "echo.ts"),
    `import { defineService } from "@sfn/runtime";
import contract from "../contract.json" with { type: "json" };
${pad}${options.neverReady ? "setInterval(() => {}, 1000);\nawait new Promise(() => {}); // never finishes loading\n" : ""}${options.crashAtStart ? 'throw new Error("this version crashes at start");\n' : ""}
const label: string = ${JSON.stringify(options.label)};

export const service = defineService({
  name: ${JSON.stringify(name)},
  contract: contract as never,
  functions: {
    echo: async (params: { text: string }) => ({ text: params.text, label }),
  },
});
`,
  );
  return dir;
}
