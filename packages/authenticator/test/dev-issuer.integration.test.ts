import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DevIssuer,
  fixtureUsers,
  JWT_RESOURCE,
  mintToken,
  startDevIssuer,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
} from "@sfn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "../src/index.js";

// `sfn dev` embeds the fixture's issuer in its own process; the authenticator must accept its tokens
// exactly as it accepts the shared fixture's.
describe("the in-process dev issuer", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sfn-auth-dev-issuer-"));
  let dev: DevIssuer;

  beforeAll(async () => {
    dev = await startDevIssuer({ dataDir });
  });
  afterAll(async () => {
    await dev.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("issues tokens the authenticator turns into the fixture user's context", async () => {
    const auth = await createAuthenticator(dev.issuer, {
      audience: JWT_RESOURCE,
      allowInsecureRequests: true,
    });
    const token = await mintToken("alice", {
      issuer: dev.issuer,
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
    });
    const user = await auth.validateToken(`Bearer ${token}`);
    expect(user).toMatchObject({
      userId: fixtureUsers.alice.id,
      email: "alice@example.test",
      roles: ["user"],
    });
  });
});
