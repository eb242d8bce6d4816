import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node22",
  },
  // The bin uses top-level await, so it is ESM only.
  { entry: ["src/cli.ts"], format: ["esm"], sourcemap: true, target: "node22" },
]);
