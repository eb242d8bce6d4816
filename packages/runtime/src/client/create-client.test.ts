import { type CallBody, type Envelope, type Messaging, NotFoundError } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import type { FunctionHandler } from "../authoring/call-context.js";
import { createClient } from "./create-client.js";

describe("createClient", () => {
  it("calls service/{name} with the function and parameters and returns the result", async () => {
    const seen: { topic: string; request: CallBody; timeout: number; callId?: string }[] = [];
    const messaging = {
      async sendAndWait(topic: string, request: CallBody, timeout: number, options?: { callId?: string }) {
        seen.push({ topic, request, timeout, callId: options?.callId });
        if (request.function === "missing") throw new NotFoundError("no", { code: "SFN_FUNCTION_NOT_FOUND" });
        return { body: { status: "success", result: { id: 7 } } } as unknown as Envelope;
      },
    } as unknown as Messaging;
    const users = createClient<{
      createUser: FunctionHandler<{ email: string }, { id: number }>;
      missing: FunctionHandler<Record<string, never>, null>;
    }>(messaging, "UserService", { timeoutMs: 1234, topicPrefix: "t1" });
    await expect(users.createUser({ email: "a@b.c" }, { callId: "abcdefghijklmnopqrstuv" })).resolves.toEqual(
      { id: 7 },
    );
    expect(seen[0]).toEqual({
      topic: "t1/service/UserService",
      request: { function: "createUser", parameters: { email: "a@b.c" } },
      timeout: 1234,
      callId: "abcdefghijklmnopqrstuv",
    });
    await expect(users.missing({})).rejects.toMatchObject({
      type: "NotFound",
      code: "SFN_FUNCTION_NOT_FOUND",
    });
  });
});
