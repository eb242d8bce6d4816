import { describe, expect, it } from "vitest";
import { isSupervisorCommand } from "./kubernetes-launcher.js";

describe("the kubernetes driver finds the main container's supervisor by its command line", () => {
  it("the Node base image's sfn-sidecar supervise, under any path", () => {
    expect(
      isSupervisorCommand([
        "node",
        "/opt/sfn/node_modules/@sfn/sidecar/dist/cli.js",
        "supervise",
        "/opt/sfn/apps/current",
      ]),
    ).toBe(true);
    expect(isSupervisorCommand(["/usr/local/bin/sfn-sidecar", "supervise", "/apps/current"])).toBe(true);
  });

  it("the Python base image's python -m sfn_runtime.supervise", () => {
    expect(isSupervisorCommand(["python", "-m", "sfn_runtime.supervise", "/opt/sfn/apps/current"])).toBe(
      true,
    );
    expect(
      isSupervisorCommand(["/venv/bin/python3", "-B", "-m", "sfn_runtime.supervise", "/apps/current"]),
    ).toBe(true);
  });

  it("not the sidecar itself, a function process, or a command that merely mentions the words", () => {
    expect(isSupervisorCommand(["node", "/opt/sfn/sidecar/dist/cli.js", "run"])).toBe(false);
    expect(
      isSupervisorCommand(["python", "-B", "-m", "sfn_runtime", "svc.module:Svc", "/apps/x/contract.json"]),
    ).toBe(false);
    expect(isSupervisorCommand(["supervise", "sidecar"])).toBe(false);
    expect(isSupervisorCommand(["python", "sfn_runtime.supervise"])).toBe(false);
    expect(isSupervisorCommand([""])).toBe(false);
  });
});
