import { defineIntegrationConfig } from "@sfn/testkit/vitest";

// One file at a time (the testkit default): the machine has 2 cores and PGlite is CPU-bound.
export default defineIntegrationConfig();
