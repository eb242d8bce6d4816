import { defineUnitConfig } from "@sfn/testkit/vitest";

export default defineUnitConfig();
