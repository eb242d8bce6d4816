import type { Authenticator, ServiceContract, UserContext } from "@sfn/contracts";
import { UnauthorizedError } from "@sfn/contracts";

export const echoContract: ServiceContract = {
  service: "EchoService",
  schemaVersion: "1.0.0",
  definitions: {
    EchoInput: {
      type: "object",
      properties: { text: { type: "string", maxLength: 50 }, email: { type: "string", format: "email" } },
      required: ["text"],
      additionalProperties: false,
    },
    EchoOutput: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    Empty: { type: "object" },
    Any: {},
  },
  functions: {
    echo: { input: "EchoInput", output: "EchoOutput" },
    ping: { input: "Empty", output: "Any", authenticated: false },
    fail: { input: "Empty", output: "Any" },
    slow: { input: "Empty", output: "Any", timeoutMs: 50 },
    whoami: { input: "Empty", output: "Any" },
    bad: { input: "Empty", output: "EchoOutput" },
  },
};

/** Accepts "Bearer good-<user>", rejects anything else as signature_invalid. */
export const fakeAuthenticator: Authenticator = {
  async validateToken(token: string): Promise<UserContext> {
    if (!token.startsWith("good-")) {
      throw new UnauthorizedError("token rejected", {
        code: "SFN_UNAUTHENTICATED",
        details: { reason: "signature_invalid" },
      });
    }
    return { userId: token.slice(5), roles: [], groups: [], token };
  },
};
