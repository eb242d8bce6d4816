import { defineIntegrationConfig } from "@sfn/testkit/vitest";

export default defineIntegrationConfig({ test: { include: ["test/**/*.integration.test.ts"] } });
