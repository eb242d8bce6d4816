import { describe, expect, it } from "vitest";
import { runDemo } from "./demo.js";

describe("protocol demo", () => {
  it("answers calls with typed replies and keeps serving after garbage", async () => {
    const result = await runDemo();
    expect(result.steps.map((s) => s.outcome)).toEqual([
      { status: "success", result: { greeting: "Hello, Ada!" } },
      expect.objectContaining({ status: "error", type: "ValidationError", code: "SFN_PARAMETERS_INVALID" }),
      expect.objectContaining({ status: "error", type: "NotFound", code: "SFN_FUNCTION_NOT_FOUND" }),
      { status: "success", result: { greeting: "Hello, Grace!" } },
    ]);
    expect(result.rejectedPayloads).toEqual(["SFN_ENVELOPE_MALFORMED", "SFN_ENVELOPE_MALFORMED"]);
    expect(JSON.parse(result.wireExample)).toMatchObject({
      protocolVersion: "1.0",
      replyTo: expect.stringMatching(/^reply\//),
      body: { function: "greet", parameters: { name: "Ada" } },
    });
  }, 20_000);
});
