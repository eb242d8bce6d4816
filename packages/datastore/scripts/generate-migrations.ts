// Embeds sql/*.sql into src/generated/migrations.generated.ts so the library needs no file access at
// run time (bundlers, CJS and ESM alike). The .sql files stay the source every language applies.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderMigrationsModule } from "./render-migrations.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sqlDir = join(root, "sql");
const files = readdirSync(sqlDir)
  .filter((f) => f.endsWith(".sql"))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(sqlDir, name), "utf8") }));
writeFileSync(join(root, "src/generated/migrations.generated.ts"), renderMigrationsModule(files));
console.log(`wrote ${files.length} migrations`);
