import { describe, expect, it } from "vitest";
import { createCallEnvelope } from "./envelope-codec.js";
import { messageExpiryFor, mqttPropertiesFor } from "./mqtt-properties.js";

describe("mqttPropertiesFor", () => {
  it("mirrors replyTo, callId, headers and the deadline, never the token", () => {
    const call = createCallEnvelope({
      function: "f",
      parameters: {},
      replyTo: "reply/s1",
      callId: "cccccccccccccccccccccc",
      headers: { authorization: "Bearer secret", "x-tenant": "acme" },
      timeoutMs: 2500,
      now: 10_000,
    });
    const properties = mqttPropertiesFor(call, 10_000);
    expect(properties).toEqual({
      contentType: "application/json",
      payloadFormatIndicator: true,
      responseTopic: "reply/s1",
      correlationData: Buffer.from("cccccccccccccccccccccc"),
      userProperties: { "content-type": "application/json", "x-tenant": "acme", deadline: "12500" },
      messageExpiryInterval: 3,
    });
    expect(JSON.stringify(properties)).not.toContain("secret");
  });

  it("never sets an expiry below one second, even for a passed deadline", () => {
    const call = createCallEnvelope({ function: "f", parameters: {}, replyTo: "r", timeoutMs: 10, now: 0 });
    expect(mqttPropertiesFor(call, 5_000).messageExpiryInterval).toBe(1);
    expect(messageExpiryFor(call, 5_000)).toBe(1);
    expect(
      messageExpiryFor(createCallEnvelope({ function: "f", parameters: {}, replyTo: "r" })),
    ).toBeUndefined();
  });
});
