import { describe, expect, it } from "vitest";
import { argumentsFor, commandRoutes, usage } from "./commands.js";

describe("sfn command routing", () => {
  it("maps each group onto its package's command", () => {
    expect(argumentsFor("contract", ["diff", "a.json", "b.json"])).toEqual([
      "contract",
      "diff",
      "a.json",
      "b.json",
    ]);
    expect(argumentsFor("audit", ["verify", "--url", "x"])).toEqual(["audit-verify", "--url", "x"]);
    expect(argumentsFor("db", ["migrate"])).toEqual(["migrate"]);
    expect(argumentsFor("fixture", ["up"])).toEqual(["up"]);
    expect(argumentsFor("dev", ["examples/user-service"])).toEqual(["dev", "examples/user-service"]);
    expect(argumentsFor("call", ["UserService", "getUser"])).toEqual(["call", "UserService", "getUser"]);
    expect(argumentsFor("dlq", ["replay", "7"])).toEqual(["dlq", "replay", "7"]);
  });

  it("lists every command in the usage text", () => {
    for (const name of Object.keys(commandRoutes)) expect(usage()).toContain(`  ${name}`);
  });
});
