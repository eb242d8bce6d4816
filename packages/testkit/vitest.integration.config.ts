import { defineIntegrationConfig } from "./src/vitest.js";

// The testkit tests itself from source: the global setup is src/vitest-global-setup.ts and the OIDC
// issuer runs from src/oidc-server.ts through tsx when dist/ is not built.
export default defineIntegrationConfig();
