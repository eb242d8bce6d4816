import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as jose from "jose";
import * as oidc from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import {
  fixtureUsers,
  issuerClient,
  JWT_RESOURCE,
  mintClientToken,
  mintToken,
  mintTokenResponse,
  OPAQUE_RESOURCE,
  resourceServerClient,
} from "../src/index.js";

const issuer = process.env.SFN_OIDC_ISSUER!;
const audience = process.env.SFN_OIDC_AUDIENCE!;
const external = process.env.SFN_FIXTURE === "external";

let config: oidc.Configuration;
let jwks: ReturnType<typeof jose.createRemoteJWKSet>;

const verify = (token: string, options: Partial<jose.JWTVerifyOptions> = {}) =>
  jose.jwtVerify(token, jwks, { issuer, audience, typ: "at+jwt", algorithms: ["RS256"], ...options });

beforeAll(async () => {
  config = await issuerClient();
  jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
});

describe("OIDC issuer discovery", () => {
  it("serves a discovery document for exactly the configured issuer", () => {
    const meta = config.serverMetadata();
    console.log(`OIDC issuer ${meta.issuer}: ${JSON.stringify(meta.sfn_fixture ?? "external")}`);
    expect(meta.issuer).toBe(issuer);
    expect(issuer.endsWith("/")).toBe(false);
    expect(meta.token_endpoint).toMatch(/^http/);
    expect(meta.jwks_uri).toMatch(/^http/);
    expect(meta.introspection_endpoint).toMatch(/^http/);
    expect(meta.revocation_endpoint).toMatch(/^http/);
    expect(meta.grant_types_supported).toEqual(
      expect.arrayContaining(["client_credentials", "urn:sfn:params:oauth:grant-type:test-user"]),
    );
  });

  it("refuses plain http without allowInsecureRequests (openid-client v6 enforces HTTPS)", async () => {
    await expect(oidc.discovery(new URL(issuer), "sfn-test", "sfn-test-secret")).rejects.toMatchObject({
      code: "OAUTH_HTTP_REQUEST_FORBIDDEN",
    });
  });
});

describe("client_credentials", () => {
  it("issues an RS256 at+jwt for urn:sfn:api that jose verifies against the JWKS", async () => {
    const token = await mintClientToken({ scope: "jobs:read" });
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "at+jwt" });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ iss: issuer, aud: JWT_RESOURCE, sub: "sfn-test", client_id: "sfn-test" });
    expect(payload.scope).toBe("jobs:read");
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it("rejects the JWT for a wrong audience, a trailing-slash issuer or a wrong typ", async () => {
    const token = await mintClientToken();
    await expect(verify(token, { audience: "urn:other" })).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
    });
    await expect(verify(token, { issuer: `${issuer}/` })).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
    });
    await expect(verify(token, { typ: "JWT" })).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
    });
  });

  it("accepts client_secret_post as well as client_secret_basic", async () => {
    const token = await mintClientToken({ auth: "client_secret_post" });
    expect((await verify(token)).payload.client_id).toBe("sfn-test");
  });

  it("rejects a wrong client secret and an unknown resource", async () => {
    // A 401 with a WWW-Authenticate challenge: openid-client surfaces the error in `cause`.
    await expect(mintClientToken({ clientSecret: "wrong" })).rejects.toMatchObject({
      status: 401,
      cause: [{ parameters: { error: "invalid_client" } }],
    });
    await expect(mintClientToken({ resource: "urn:unknown" })).rejects.toMatchObject({
      error: "invalid_target",
    });
  });

  it.skipIf(external)("signs with the key persisted in the data dir (a restart keeps the kid)", async () => {
    const token = await mintClientToken();
    const { kid } = jose.decodeProtectedHeader(token);
    const stored = JSON.parse(
      readFileSync(join(process.env.SFN_FIXTURE_DIR!, "oidc", "jwks.json"), "utf8"),
    ) as {
      keys: { kid: string; d?: string }[];
    };
    expect(stored.keys.map((k) => k.kid)).toContain(kid);
    // The public JWKS never exposes the private exponent.
    const published = (await (await fetch(config.serverMetadata().jwks_uri!)).json()) as {
      keys: { d?: string }[];
    };
    expect(published.keys.every((k) => k.d === undefined)).toBe(true);
  });
});

describe.skipIf(external)("test-user grant", () => {
  it("mints a JWT whose sub, email, roles, realm_access, groups and tenant are the user's", async () => {
    const token = await mintToken("carol", { scope: "jobs:read jobs:write" });
    const { payload } = await verify(token);
    expect(payload).toMatchObject({
      sub: fixtureUsers.carol.id,
      email: "carol@example.test",
      roles: ["admin", "user"],
      realm_access: { roles: ["admin", "user"] },
      groups: ["ops"],
      tenant: "acme",
      client_id: "sfn-test",
      scope: "jobs:read jobs:write",
      aud: audience,
    });
  });

  it("gives each user their own claims (alice vs mallory)", async () => {
    const alice = (await verify(await mintToken("alice"))).payload;
    const mallory = (await verify(await mintToken("mallory"))).payload;
    expect(alice).toMatchObject({ sub: fixtureUsers.alice.id, roles: ["user"], groups: ["staff"] });
    expect(mallory).toMatchObject({ sub: fixtureUsers.mallory.id, roles: [], groups: [] });
    expect(alice.sub).not.toBe(mallory.sub);
  });

  it("rejects an unknown user with invalid_grant", async () => {
    await expect(mintToken("eve")).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("honours ttl, and jose rejects the token once it has expired", async () => {
    const response = await mintTokenResponse("bob", { ttl: 1 });
    expect(response.expires_in).toBe(1);
    const { exp, iat } = jose.decodeJwt(response.access_token);
    expect(exp! - iat!).toBe(1);
    await new Promise((r) => setTimeout(r, 2100));
    await expect(verify(response.access_token)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
  });
});

describe.skipIf(external)("opaque tokens, introspection and revocation", () => {
  it("introspects an opaque user token as active with the user's claims, then inactive after revocation", async () => {
    const token = await mintToken("alice", { resource: OPAQUE_RESOURCE });
    expect(token.split(".").length).toBe(1); // not a JWT
    const rs = await resourceServerClient();

    const active = await oidc.tokenIntrospection(rs, token);
    expect(active).toMatchObject({
      active: true,
      sub: fixtureUsers.alice.id,
      aud: OPAQUE_RESOURCE,
      client_id: "sfn-test",
      email: "alice@example.test",
      roles: ["user"],
      tenant: "acme",
      iss: issuer,
    });

    await oidc.tokenRevocation(rs, token);
    expect(await oidc.tokenIntrospection(rs, token)).toEqual({ active: false });
  });

  it("introspects a client_credentials opaque token, and garbage as inactive", async () => {
    const token = await mintClientToken({ resource: OPAQUE_RESOURCE, scope: "jobs:write" });
    const rs = await resourceServerClient();
    expect(await oidc.tokenIntrospection(rs, token)).toMatchObject({
      active: true,
      client_id: "sfn-test",
      scope: "jobs:write",
    });
    expect(await oidc.tokenIntrospection(rs, "not-a-token")).toEqual({ active: false });
  });

  it("an expired opaque token introspects as inactive", async () => {
    const token = await mintToken("bob", { resource: OPAQUE_RESOURCE, ttl: 1 });
    const rs = await resourceServerClient();
    expect((await oidc.tokenIntrospection(rs, token)).active).toBe(true);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await oidc.tokenIntrospection(rs, token)).active).toBe(false);
  });
});
