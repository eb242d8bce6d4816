import { createAuthenticator } from "@sfn/authenticator";
import type { UserContext } from "@sfn/contracts";
import { createMessagingClient, type MessagingClient } from "@sfn/messaging";
import { findFixtureUser, mintToken } from "@sfn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/index.js";
import { env, type Harness, startHarness } from "./support/harness.js";
import type { notesFunctions } from "./support/notes-service.js";

// createClient over the real @sfn/messaging client, and a function calling another through its
// injected Messaging (the host's messagingFor).

let h: Harness;
let messaging: MessagingClient;
let alice: UserContext;

beforeAll(async () => {
  const token = await mintToken("alice");
  const auth = await createAuthenticator(env("SFN_OIDC_ISSUER"), {
    audience: env("SFN_OIDC_AUDIENCE"),
    allowInsecureRequests: true,
  });
  alice = await auth.validateToken(token);
  messaging = await createMessagingClient({
    url: env("SFN_MQTT_URL"),
    logger: { warn() {}, error() {} } as never,
  });
  h = await startHarness(
    () => token,
    () => ({ messagingFor: (user) => messaging.createMessaging(user!) }),
  );
});
afterAll(async () => {
  await h?.close();
  await messaging?.close();
});

describe("createClient", () => {
  it("resolves with the result and rejects with the typed error", async () => {
    const notes = createClient<typeof notesFunctions>(messaging.createMessaging(alice), h.name, {
      topicPrefix: h.prefix,
      timeoutMs: 10_000,
    });
    await expect(notes.addNote({ text: "via-client" })).resolves.toEqual({ id: expect.any(String) });
    await expect(notes.raise({ kind: "business" })).rejects.toMatchObject({
      type: "BusinessLogicError",
      code: "NOTE_RULE",
    });
    await expect(notes.addNote({ text: "" })).rejects.toMatchObject({
      type: "ValidationError",
      code: "SFN_PARAMETERS_INVALID",
    });
  });

  it("lets a function call another as its caller (token propagated)", async () => {
    const notes = createClient<typeof notesFunctions>(messaging.createMessaging(alice), h.name, {
      topicPrefix: h.prefix,
      timeoutMs: 15_000,
    });
    await expect(notes.relay({})).resolves.toEqual({ text: findFixtureUser("alice")!.id });
  });
});
