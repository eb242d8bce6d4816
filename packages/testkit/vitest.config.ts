import { defineUnitConfig } from "./src/vitest.js";

export default defineUnitConfig();
