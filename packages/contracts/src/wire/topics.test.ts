import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/error-types.js";
import {
  assertPublishTopic,
  deadLetterTopic,
  replyTopic,
  serviceTopic,
  sharedServiceSubscription,
} from "./topics.js";

describe("topics", () => {
  it("follows the protocol's topic layout", () => {
    expect(serviceTopic("UserService")).toBe("service/UserService");
    expect(sharedServiceSubscription("UserService")).toBe("$share/sfn-UserService/service/UserService");
    expect(sharedServiceSubscription("UserService", { group: "g", prefix: "t1/" })).toBe(
      "$share/g/t1/service/UserService",
    );
    expect(replyTopic("abc", { prefix: "t1" })).toBe("t1/reply/abc");
    expect(deadLetterTopic("UserService")).toBe("dlq/UserService");
  });

  it("rejects service names that would break topic routing", () => {
    for (const bad of ["", "a/b", "a+", "#", "1abc", "x".repeat(200)]) {
      expect(() => serviceTopic(bad)).toThrow(ValidationError);
    }
  });

  it("refuses to publish to wildcard, system or oversized topics", () => {
    for (const bad of ["", "a/+", "a/#", "$SYS/x", "a".repeat(1025), "a\u0000b"]) {
      expect(() => assertPublishTopic(bad)).toThrow(expect.objectContaining({ code: "SFN_TOPIC_INVALID" }));
    }
    expect(() => assertPublishTopic("service/UserService")).not.toThrow();
  });
});
