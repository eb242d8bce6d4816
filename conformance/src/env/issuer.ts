import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DevIssuer,
  JWT_RESOURCE,
  mintToken,
  OPAQUE_RESOURCE,
  startDevIssuer,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
} from "@sfn/testkit";
import * as jose from "jose";
import type { UserName } from "../model.js";
import type { TokenAuthority } from "../tokens/craft.js";

/**
 * The OIDC issuer of one language's run: the fixture's issuer (oidc-provider with the fixture users,
 * `@sfn/testkit`'s startDevIssuer) running inside the runner on a port of its own. `stopIssuer` closes
 * it and `startIssuer` listens again on the same port with the same keys, so the shared fixture issuer
 * is never stopped; and the runner holds the signing key that crafted tokens need ("fixture-key").
 */
export interface PrivateIssuer extends TokenAuthority {
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startPrivateIssuer(audience: string = JWT_RESOURCE): Promise<PrivateIssuer> {
  const dataDir = mkdtempSync(join(tmpdir(), "sfn-conformance-issuer-"));
  let running: DevIssuer | undefined = await startDevIssuer({ dataDir });
  const issuer = running.issuer;
  const port = Number(new URL(issuer).port);
  const client = { issuer, clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET };
  const tokens = new Map<UserName, Promise<string>>();
  let key: Promise<{ key: jose.CryptoKey; kid: string; publicJwk: jose.JWK }> | undefined;

  const self: PrivateIssuer = {
    issuer,
    audience,
    skewSeconds: 30,
    userToken(user) {
      let token = tokens.get(user);
      if (!token) {
        token = mintToken(user, { ...client, resource: audience });
        token.catch(() => tokens.delete(user));
        tokens.set(user, token);
      }
      return token;
    },
    opaqueToken: (user) => mintToken(user, { ...client, resource: OPAQUE_RESOURCE }),
    async revoke(token) {
      const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
        revocation_endpoint: string;
      };
      const response = await fetch(discovery.revocation_endpoint, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ token }).toString(),
      });
      if (!response.ok) throw new Error(`token revocation failed: HTTP ${response.status}`);
    },
    signingKey() {
      key ??= (async () => {
        const jwks = JSON.parse(readFileSync(join(dataDir, "jwks.json"), "utf8")) as { keys: jose.JWK[] };
        const jwk = jwks.keys[0];
        if (!jwk?.kid) throw new Error("the issuer's jwks.json has no signing key");
        const { kty, n, e, kid, alg, use } = jwk;
        return {
          key: (await jose.importJWK(jwk, "RS256")) as jose.CryptoKey,
          kid,
          publicJwk: { kty, n, e, kid, alg, use } as jose.JWK,
        };
      })();
      return key;
    },
    async stop() {
      const current = running;
      running = undefined;
      await current?.close();
    },
    async start() {
      if (running) return;
      running = await startDevIssuer({ dataDir, port });
    },
    async dispose() {
      await self.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}
