import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/cli.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  // import.meta.url in the CJS build (the generator fingerprint hashes the code it runs from).
  shims: true,
  target: "node22",
});
