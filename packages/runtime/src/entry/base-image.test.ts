import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The Node base image (runtimes/node/Dockerfile) without a container engine: its filesystem layout is
// rebuilt in a temporary root (/opt/sfn/runtime, the /node_modules/@sfn links, an application layer in
// /app holding only bundled JavaScript and sfn.config.json), and the Dockerfile's own ENTRYPOINT + CMD
// run against it.

const pkg = resolve(import.meta.dirname, "../..");
const dockerfile = readFileSync(resolve(pkg, "../../runtimes/node/Dockerfile"), "utf8");
const instruction = (name: string) => {
  const line = dockerfile.split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`the Dockerfile has no ${name}`);
  return line.slice(name.length + 1).trim();
};

const contract = {
  service: "Greeter",
  schemaVersion: "1.0.0",
  definitions: {
    In: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    Out: { type: "object" },
  },
  functions: { greet: { input: "In", output: "Out" } },
};
// What `sfn build` would put in the layer: the service bundled to JavaScript, @sfn/* left as imports.
const bundle = `import { defineService } from "@sfn/runtime";
import { ValidationError } from "@sfn/contracts";
import contract from "../contract.json" with { type: "json" };
export const service = defineService({ name: "Greeter", contract, functions: {
  greet: async (p) => { if (!p.name) throw new ValidationError("name"); return { hello: p.name }; },
} });
`;

// Each case starts a Node process that loads the runtime: seconds on a loaded 2-core machine.
describe("the Node base image", { timeout: 60_000 }, () => {
  let root: string;
  const run = (args: string[], env: Record<string, string> = {}) => {
    const [command, ...entry] = JSON.parse(instruction("ENTRYPOINT")) as string[];
    const rebase = (p: string) => (p.startsWith("/") ? join(root, p) : p);
    expect(command).toBe("node");
    return spawnSync(process.execPath, [...entry.map(rebase), ...args.map(rebase)], {
      encoding: "utf8",
      cwd: join(root, "app"),
      env: { PATH: process.env.PATH ?? "", ...env },
      timeout: 30_000,
    });
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "sfn-node-image-"));
    mkdirSync(join(root, "opt/sfn"), { recursive: true });
    symlinkSync(pkg, join(root, "opt/sfn/runtime"));
    mkdirSync(join(root, "node_modules/@sfn"), { recursive: true });
    symlinkSync(join(root, "opt/sfn/runtime"), join(root, "node_modules/@sfn/runtime"));
    symlinkSync(join(pkg, "node_modules/@sfn/contracts"), join(root, "node_modules/@sfn/contracts"));
    mkdirSync(join(root, "app/dist"), { recursive: true });
    writeFileSync(join(root, "app/dist/service.js"), bundle);
    writeFileSync(join(root, "app/contract.json"), JSON.stringify(contract));
    writeFileSync(
      join(root, "app/sfn.config.json"),
      JSON.stringify({ name: "Greeter", contract: "contract.json", entry: "dist/service.js" }),
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is Node 22 slim, runs as the unprivileged node user and labels the interface hash", () => {
    expect(instruction("FROM")).toBe("node:22-slim");
    expect(instruction("USER")).toBe("node");
    expect(dockerfile).toMatch(/io\.sfn\.interface-hash="\$SFN_INTERFACE_HASH"/);
    expect(JSON.parse(instruction("CMD"))).toEqual(["start", "/app"]);
  });

  it("loads the application layer's service through its entrypoint", () => {
    const checked = run(["check", "/app"]);
    expect(checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    expect(checked.stdout).toBe("Greeter: greet\n");
  });

  it("starts the service from /app and names a missing setting", () => {
    const started = run(JSON.parse(instruction("CMD")) as string[]);
    expect(started.status).toBe(1);
    expect(started.stderr).toMatch(/ValidationError: missing setting SFN_MQTT_URL/);
  });
});
