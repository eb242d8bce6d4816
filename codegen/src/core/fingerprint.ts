// The generator's identity for cache keys: its version, a hash of the code it runs from and the
// quicktype-core version, so output cached by another build of the generator is never served.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { GENERATOR_VERSION } from "../version.js";

let memo: string | undefined;

/** The code files that make up the running generator: the `src/` tree (tsx, vitest) or the built bundle dir. */
function codeFiles(self: string): string[] {
  const marker = `${sep}src${sep}`;
  const at = self.lastIndexOf(marker);
  const fromSource = self.endsWith(".ts") && at >= 0;
  const root = fromSource ? self.slice(0, at + marker.length - 1) : dirname(self);
  const wanted = fromSource ? /\.ts$/ : /\.(c|m)?js$/;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((e) =>
        e.isDirectory()
          ? fromSource
            ? walk(join(dir, e.name))
            : []
          : wanted.test(e.name) && !e.name.endsWith(".test.ts")
            ? [join(dir, e.name)]
            : [],
      );
  return walk(root);
}

function quicktypeVersion(self: string): string {
  try {
    const path = createRequire(self).resolve("quicktype-core/package.json");
    return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Fingerprint of the generator whose code includes the module at `self` (a path); exported for tests. */
export function fingerprintOf(self: string): string {
  const h = createHash("sha256");
  h.update(`@sfn/codegen ${GENERATOR_VERSION}\nquicktype-core ${quicktypeVersion(self)}\n`);
  for (const file of codeFiles(self)) h.update(`${file.length}:`).update(readFileSync(file));
  return `sha256:${h.digest("hex")}`;
}

/** `sha256:<hex>` over the generator version, its code and quicktype-core's version; computed once. */
export function generatorFingerprint(): string {
  memo ??= fingerprintOf(fileURLToPath(import.meta.url));
  return memo;
}
