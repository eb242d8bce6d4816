import { defineIntegrationConfig } from "@sfn/testkit/vitest";

export default defineIntegrationConfig();
