import { defineConfig } from "tsup";

export default defineConfig({
  // Library entry points plus the two executables (the CLI and the OIDC issuer process, which
  // dist/cli.js spawns from next to itself). Declarations only for the library entry points.
  entry: ["src/index.ts", "src/vitest.ts", "src/vitest-global-setup.ts", "src/cli.ts", "src/oidc-server.ts"],
  format: ["esm", "cjs"],
  dts: { entry: ["src/index.ts", "src/vitest.ts", "src/vitest-global-setup.ts"] },
  sourcemap: true,
  clean: true,
  shims: true,
  target: "node22",
  external: ["vitest", "vitest/config"],
});
