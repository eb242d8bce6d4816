// Runnable: `pnpm --filter @sfn/authenticator example` (starts the shared fixture if needed).
// Validates a JWT and an opaque token of the fixture issuer, then shows a typed rejection.
import { hasRole } from "@sfn/contracts";
import { ensureFixture, mintToken } from "@sfn/testkit";
import { authFailureReason, createAuthenticator } from "../src/index.js";

const env = await ensureFixture();

const authenticator = await createAuthenticator(env.SFN_OIDC_ISSUER, {
  audience: ["urn:sfn:api", "urn:sfn:api-opaque"],
  // The fixture issuer speaks plain http on 127.0.0.1; never set this for a real issuer.
  allowInsecureRequests: true,
  // The resource server's own client: enables introspection of opaque tokens (mode "auto").
  introspection: {
    clientId: env.SFN_OIDC_RESOURCE_CLIENT_ID,
    clientSecret: env.SFN_OIDC_RESOURCE_CLIENT_SECRET,
  },
});

const carol = await authenticator.validateToken(`Bearer ${await mintToken("carol")}`);
console.log("JWT    →", carol.userId, carol.email, carol.roles, "admin:", hasRole(carol, "admin"));

const alice = await authenticator.validateToken(await mintToken("alice", { resource: "urn:sfn:api-opaque" }));
console.log("opaque →", alice.userId, alice.email, alice.roles, "admin:", hasRole(alice, "admin"));

try {
  await authenticator.validateToken("Bearer not.a.jwt");
} catch (error) {
  console.log("bad    →", authFailureReason(error)); // token_malformed
}
