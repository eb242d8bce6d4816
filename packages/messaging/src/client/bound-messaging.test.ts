import { describe, expect, it } from "vitest";
import { fakeContext } from "../../test/support/fake-context.js";
import { BoundMessaging } from "./bound-messaging.js";

const user = (token: string) => ({ userId: "u", roles: [], groups: [], token });

describe("BoundMessaging.sendAndWait", () => {
  it("refuses a bearer header that is not a valid header value on every call, before registering it", async () => {
    const context = fakeContext();
    const messaging = new BoundMessaging(context, user("x".repeat(20_000)));
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(
        messaging.sendAndWait("svc/users", { function: "get", parameters: {} }, 1_000),
      ).rejects.toMatchObject({ code: "SFN_ENVELOPE_INVALID" });
    }
    expect(context.calls.size).toBe(0);
  });

  it("still checks the caller's own headers on every call", async () => {
    const context = fakeContext();
    const messaging = new BoundMessaging(context, user("token"));
    await expect(
      messaging.sendAndWait("svc/users", { function: "get", parameters: {} }, 1_000, {
        headers: { "Not-Lower-Case": "x" },
      }),
    ).rejects.toMatchObject({ code: "SFN_ENVELOPE_INVALID" });
    expect(context.calls.size).toBe(0);
  });
});
