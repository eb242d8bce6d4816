import { ValidationError } from "@sfn/contracts";
import { build } from "esbuild";
import { SidecarErrorCodes } from "../errors.js";

/**
 * Bundles a Node service into one ESM file with esbuild. `@sfn/*` stays external: the base runtime
 * image provides the platform libraries (that is what the interface hash describes); everything else the
 * service imports is bundled. No timestamps or absolute paths end up in the output, so the same sources
 * give the same bytes.
 */
export async function bundleService(serviceDir: string, entry: string): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: serviceDir,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    external: ["@sfn/*"],
    write: false,
    sourcemap: false,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    banner: {
      js: 'import { createRequire as __sfnCreateRequire } from "node:module";\nconst require = __sfnCreateRequire(import.meta.url);',
    },
  }).catch((error: { errors?: { text: string }[] }) => {
    throw new ValidationError(
      `bundling ${entry} failed: ${(error.errors ?? []).map((e) => e.text).join("; ")}`,
      {
        code: SidecarErrorCodes.buildInvalid,
        details: { entry, errors: (error.errors ?? []).map((e) => e.text) },
      },
    );
  });
  const file = result.outputFiles[0];
  if (file === undefined)
    throw new ValidationError(`bundling ${entry} produced no output`, {
      code: SidecarErrorCodes.buildInvalid,
    });
  return file.contents;
}
