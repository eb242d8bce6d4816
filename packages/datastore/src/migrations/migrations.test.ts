import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { migrationChecksum, renderMigrationsModule } from "../../scripts/render-migrations.js";
import { migrations } from "../generated/migrations.generated.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

describe("bundled migrations", () => {
  it("match sql/*.sql (run `pnpm generate` after editing a migration)", () => {
    const files = readdirSync(join(root, "sql"))
      .filter((f) => f.endsWith(".sql"))
      .sort()
      .map((name) => ({ name, text: readFileSync(join(root, "sql", name), "utf8") }));
    const committed = readFileSync(join(root, "src/generated/migrations.generated.ts"), "utf8");
    expect(committed).toBe(renderMigrationsModule(files));
  });

  it("are numbered 1..n without gaps", () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it("checksum ignores CRLF line endings", () => {
    expect(migrationChecksum("a\r\nb\n")).toBe(migrationChecksum("a\nb\n"));
    expect(migrationChecksum("a\nb\n")).toMatch(/^[0-9a-f]{64}$/);
  });
});
