import { defineIntegrationConfig } from "@sfn/testkit/vitest";

// The shared fixture (PostgreSQL, Mosquitto, OIDC issuer), then a private OCI registry (Debian's
// docker-registry on loopback, started once and stopped by the run that started it). mergeConfig
// appends this global setup to the fixture's.
export default defineIntegrationConfig({
  test: { globalSetup: ["./test/support/registry-global-setup.ts"], testTimeout: 120_000 },
});
