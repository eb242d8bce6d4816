import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DevIssuer,
  fixtureUsers,
  JWT_RESOURCE,
  mintToken,
  startDevIssuer,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
} from "../src/index.js";

describe("startDevIssuer (the in-process issuer of sfn dev)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sfn-dev-issuer-"));
  let dev: DevIssuer;

  beforeAll(async () => {
    dev = await startDevIssuer({ dataDir });
  });
  afterAll(async () => {
    await dev.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves discovery on a free port and mints verifiable tokens for fixture users", async () => {
    expect(dev.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = (await (await fetch(`${dev.issuer}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery.issuer).toBe(dev.issuer);
    const token = await mintToken("carol", {
      issuer: dev.issuer,
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
    });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: dev.issuer,
      audience: JWT_RESOURCE,
    });
    expect(payload).toMatchObject({
      sub: fixtureUsers.carol.id,
      email: "carol@example.test",
      roles: ["admin", "user"],
    });
  });
});
