import { defineIntegrationConfig } from "@sfn/testkit/vitest";

// One file at a time (the testkit default): the files share one broker and the machine has 2 cores.
export default defineIntegrationConfig();
